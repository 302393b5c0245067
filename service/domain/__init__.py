"""The domain, pure Python: errors, the protocols backends and stores implement, cancellation, and
the language rules (segmentation, language id, protected spans, glossary matching, extractive
selection, length presets, the checks). Imports nothing else of oversett and no heavy library."""
