"""Shared readers and writers: canonical JSON, meeting and rubric files, bounded reads and
atomic writes."""
