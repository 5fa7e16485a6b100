"""From records to facts, and from facts to what the rules and the timeline read.

The parts, in the order data flows through them: :mod:`~.collector` (what each source hands
over, and :mod:`~.coverage`, which facts were seen where), :mod:`~.runs` (the plug-in log's
backup runs), :mod:`~.identity` (which mentions are one VM), :mod:`~.clock` (host-local time
to UTC), :mod:`~.chains` (the orphaned-checkpoint chain), :mod:`~.facts` (all of it, for the
rules) and :mod:`~.timeline` (per-VM moments). This package imports no source module at run
time, so sources may import its leaf modules.
"""
