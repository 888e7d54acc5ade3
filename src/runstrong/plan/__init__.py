"""The gym week: the planned sessions (or the phase's template) with the resolved advice applied,
scheduled by the article's rules and rendered as text, Markdown or JSON (`runstrong plan`)."""
