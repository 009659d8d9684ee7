import os

password = os.environ["DB_PASSWORD"]
token = get_secret("api-token")
api_key = settings.API_KEY
