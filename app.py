"""What `flask --app app` and gunicorn (`gunicorn 'app:app'`) load."""

from cpweek import create_app

app = create_app()
