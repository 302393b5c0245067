"""The HTTP edge: the app factory, its routes, middleware, schemas, keys and rate limits, admission,
error responses, metrics, logs and the page. May import compose, config, use cases and the domain;
never the backends or stores directly, never the tools."""
