"""Small shared utilities: user errors, atomic writes, YAML with line numbers, bundled paths."""
