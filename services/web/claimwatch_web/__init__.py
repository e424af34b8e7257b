"""claimwatch web: the read model and the story pages for fact-checkers."""
