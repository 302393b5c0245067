"""The HTTP routes, one router per resource; ``service/api.py`` includes them."""
