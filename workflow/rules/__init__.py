"""Named, configurable rules: eligibility of a nominee, composition and quota of a list."""
