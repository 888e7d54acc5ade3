"""The interactive consultation: the dialogue, its questions, and which questions can still change the advice."""
