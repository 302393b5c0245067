"""The use cases: the translation pipeline, summaries, documents, batch runs, jobs and dynamic
batching. They compose the domain through its protocols; they import only the domain, never a
heavy library, a web framework or Settings."""
