"""From firings to advice: conflict resolution, the result object, and the advice renderers."""
