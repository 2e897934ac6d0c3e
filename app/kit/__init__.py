"""Meeting kits (``docs/formats/kit-v1.md``): build (:mod:`app.kit.builder`, the secretary's
side), open in stages (:mod:`app.kit.reader`), what a workspace keeps of its kit
(:mod:`app.kit.record`), the sealed meeting key (:mod:`app.kit.meeting_key`) and the typed
failures (:mod:`app.kit.errors`). Importing a kit into an expert's workspace is the expert's
use case: :mod:`app.expert.kit_import`.

The package imports nothing itself, so that a caller pays only for the module it uses.
"""
