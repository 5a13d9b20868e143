"""CloudTrail: the event history's readers (LookupEvents, the console page, lab checks).

The events are written by `domain.kernel.audit.record` (every call, allowed or denied);
this package reads them back in CloudTrail's record shape.
"""
