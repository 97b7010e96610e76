"""Mail: the outbox rows, their delivery, the templates and their typed contexts, SMTP.

`notifications` owns every outbox row and imports only `models` and `config` — never
`workflow` (a test walks the imports). The pieces:

- `contexts`: one frozen dataclass per message kind, the templates' schema;
- `outbox`: writing a message (`queue_message`), listing, requeueing failed ones;
- `delivery`: claiming a message with a lease and settling the result (sent, digested,
  retry with backoff, failed);
- `render`, `samples`, `labels`, `compose`, `transport`: templates to a multipart email
  on an SMTP server or in `.eml` files;
- `relay`: claim, render, send, settle — for one message (`deliver`) or all due (`relay`).

How the domain hands a message over: it calls `outbox.queue_message(uow, key=…, kind=…,
recipient=…, now=…, context=<the kind's context>, …)` inside its use case. The row is
written in that transaction; the unit of work collects its id and, after the commit,
gives it to the publisher the composition root wired in (`config.wiring`), which asks a
worker to send it. A change that rolls back takes its messages with it.

Administrative actions on mail (retrying failed messages) need an actor and an audit
event, which are the domain's: `workflow.services.mail` checks the role, calls
`outbox.requeue_failed` for the rows, appends the audit event and commits. So
`notifications` never writes the audit log nor knows who acts.
"""
