"""The read side: one query module per concept, shared by the API, the pages and the CLI.

`nominations` (lists and the detail view), `tasks` (queues, the inbox, one task),
`objections`, `audit` (the one `timeline`, audit lists), `campaigns` (campaign lists,
quota tables, definitions) and `decision` (the committee's list, its preview, the final
list). Every function takes the actor and applies the access policy (`workflow.access`):
what is not visible is NotFound, a recused read is refused and audited once, personal data
is masked as the policy says.
"""
