"""Scoring oversett's translations and summaries against references (sacrebleu, rouge-score)."""
