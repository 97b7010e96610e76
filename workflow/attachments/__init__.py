"""Attachments: files kept as evidence, their content checked and kept in a store.

`content` says what a file is from its first bytes and reads an upload no further than the
limit; `store` keeps the content under its SHA-256 behind a small interface (`FileStore`
writes under the data folder). Who may add and read one is `workflow.access.attachments`;
the use cases are `workflow.services.attachments`.
"""
