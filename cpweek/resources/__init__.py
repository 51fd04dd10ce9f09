"""Co-produced resources: reports, toolkits, recordings, podcast episodes, slides, blog posts,
templates and Easy Read versions; their accessible formats, files and credits; what an event
left behind once it ended; the library, its feeds and the podcast."""
