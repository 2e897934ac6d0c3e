"""The proof suite's one expensive fixture: the canary meeting, played once per process."""

from __future__ import annotations

import pytest

from tests.proof.meeting import ProofMeeting, play


@pytest.fixture(scope="session")
def proof_meeting(tmp_path_factory: pytest.TempPathFactory) -> ProofMeeting:
    return play(tmp_path_factory.mktemp("proof-meeting"))
