"""The XLSX documents an office hands up and files, one module per document.

`sheet` is the one writer of a sheet's layout (title rows, headers, widths, frozen header,
date cells); the document modules only say which columns and rows they hold. Who may have
which document, and what of it they may read, is decided in `workflow.services.exports`
(through `workflow.access`); these modules write what they are given.
"""
