"""Outside systems the portal reads from (national databases), one registry per concern."""
