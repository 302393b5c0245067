"""The model backends: loading from the Hub or a folder, CTranslate2 conversion, the seq2seq core,
the translator and summariser backends, and the summary prompts. The only modules that touch
torch, transformers and CTranslate2; they import only the domain."""
