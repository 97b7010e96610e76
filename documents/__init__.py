"""The documents an office issues (the notice, the final list): one layout for the page,
the print and the PDF. Called by the web and the CLI; reads come from `workflow.queries`."""
