"""The resources room's rules, one module per concept: `drafting` (create, edit, find),
`publishing` (the accessible-format rule and publishing), `formats` (files and links),
`credits`, `library` (search and facets), `linked` (resources on edition, event and evidence
pages), `feeds` (Atom and the podcast) and `follow_up` (after an event). Views import the module
they need."""
