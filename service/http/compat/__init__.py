"""Other services' APIs, answered by oversett: LibreTranslate's and DeepL's, so their clients and
the tools built on them work by changing one URL. Thin adapters: each reads the other API's request,
runs oversett's one pipeline (keys, rate limits, cache, checks, glossaries as on the native API) and
answers in the other API's shapes and status codes."""
