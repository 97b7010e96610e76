"""Stage kinds: one module each (team review, joint review, inspection, public notice,
committee decision), listed in `workflow.stages.registry`. See `workflow.stages.base`.
"""
