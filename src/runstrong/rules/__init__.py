"""The rule set: the condition language, loading and checking rule and knowledge files, compiling
rules to experta, and the generated rule reference."""
