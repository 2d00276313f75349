"""Convert the bundled CTranslate2 Whisper model into an openai-whisper checkpoint.

openai-whisper loads ``torch.load(path)`` → ``{"dims": {...}, "model_state_dict": {...}}``.
We hold only the CTranslate2 ``model.bin``, so this reads that file (a simple little-endian
binary, see DEVELOPERS.md "Voice models") and renames each tensor to openai-whisper's names.
Both engines then run the same weights and give the same words. The result is written once
into the cache with a record beside it (``base.pt.source``): the source model's digest (a new
model triggers a new conversion) and the checkpoint's own sha256, taken as it was written.
``torch.save`` writes a random serialisation id, so that digest cannot be pinned in the code;
it is checked before every load (stamped like the speech model, see ``core/checksums.py``),
and a checkpoint that fails is converted again rather than loaded.
"""

from __future__ import annotations

import json
import logging
import re
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, TypedDict

import numpy as np

from desktop_app.core.checksums import StampBook, mismatch, sha256_file
from desktop_app.core.files import replacing
from desktop_app.voice.model_files import MODEL_SHA256, STAMP_FILE, ModelError, cache_lock, ensure_ct2_model

log = logging.getLogger(__name__)

CHECKPOINT_DIRNAME = "whisper-base-openai"
CHECKPOINT_NAME = "base.pt"
#: CTranslate2's DataType enum order (include/ctranslate2/types.h).
_DTYPES = (np.float32, np.int8, np.int16, np.int32, np.float16, None)  # None: bfloat16
_SUPPORTED_BINARY_VERSIONS = (5, 6)


@dataclass(frozen=True)
class Ct2Model:
    spec: str
    revision: int
    variables: dict[str, np.ndarray]
    aliases: dict[str, str]

    def get(self, name: str) -> np.ndarray:
        return self.variables[self.aliases.get(name, name)]


def _read_string(fh: BinaryIO) -> str:
    (length,) = struct.unpack("<H", fh.read(2))
    return fh.read(length)[:-1].decode("utf-8")


def read_ct2_model(path: Path) -> Ct2Model:
    """Parse ``model.bin``: version, spec name, revision, variables (name, shape, dtype, bytes), aliases."""
    with Path(path).open("rb") as fh:
        (version,) = struct.unpack("<I", fh.read(4))
        if version not in _SUPPORTED_BINARY_VERSIONS:
            raise ModelError(f"Unsupported CTranslate2 model version {version}.")
        spec = _read_string(fh)
        (revision, count) = struct.unpack("<II", fh.read(8))
        variables: dict[str, np.ndarray] = {}
        for _ in range(count):
            name = _read_string(fh)
            (rank,) = struct.unpack("<B", fh.read(1))
            shape = struct.unpack(f"<{rank}I", fh.read(4 * rank))
            (type_id, nbytes) = struct.unpack("<BI", fh.read(5))
            raw = fh.read(nbytes)
            if type_id == 5:  # bfloat16: the upper half of a float32
                array = (np.frombuffer(raw, np.uint16).astype(np.uint32) << 16).view(np.float32)
            else:
                array = np.frombuffer(raw, _DTYPES[type_id])
            variables[name] = array.reshape(shape)
        (n_alias,) = struct.unpack("<I", fh.read(4))
        aliases = {_read_string(fh): _read_string(fh) for _ in range(n_alias)}
    return Ct2Model(spec, revision, variables, aliases)


def _weight(model: Ct2Model, prefix: str) -> np.ndarray:
    """A float weight; int8/int16 quantised weights are scaled back (CTranslate2 stores ``w * scale``)."""
    w = model.get(f"{prefix}/weight")
    if w.dtype in (np.int8, np.int16):
        scale = model.get(f"{prefix}/weight_scale").astype(np.float32)
        return w.astype(np.float32) / scale.reshape(-1, *([1] * (w.ndim - 1)))
    return w.astype(np.float32)


def _linear(sd: dict[str, np.ndarray], model: Ct2Model, src: str, dst: str, *, bias: bool = True) -> None:
    sd[f"{dst}.weight"] = _weight(model, src)
    if bias:
        sd[f"{dst}.bias"] = model.get(f"{src}/bias").astype(np.float32)


def _norm(sd: dict[str, np.ndarray], model: Ct2Model, src: str, dst: str) -> None:
    sd[f"{dst}.weight"] = model.get(f"{src}/gamma").astype(np.float32)
    sd[f"{dst}.bias"] = model.get(f"{src}/beta").astype(np.float32)


def _split_fused(sd: dict[str, np.ndarray], model: Ct2Model, src: str, dst: str, names: tuple[str, ...]) -> None:
    """CTranslate2 fuses Q|K|V (or K|V) row-wise; openai-whisper's key projection has no bias."""
    weights = np.split(_weight(model, src), len(names), axis=0)
    biases = np.split(model.get(f"{src}/bias").astype(np.float32), len(names))
    for name, w, b in zip(names, weights, biases):
        sd[f"{dst}.{name}.weight"] = w
        if name != "key":
            sd[f"{dst}.{name}.bias"] = b


def _layer_count(model: Ct2Model, side: str) -> int:
    pattern = re.compile(rf"^{side}/layer_(\d+)/")
    return 1 + max(int(m[1]) for name in model.variables if (m := pattern.match(name)))


class OpenAICheckpoint(TypedDict):
    """What ``torch.save`` writes for openai-whisper (tensors as numpy arrays until then)."""

    dims: dict[str, int]
    model_state_dict: dict[str, np.ndarray]


def to_openai_checkpoint(model: Ct2Model) -> OpenAICheckpoint:
    """Map every tensor to openai-whisper's ``Whisper`` module names (float32 numpy arrays)."""
    if model.spec != "WhisperSpec":
        raise ModelError(f"Expected a Whisper model, found {model.spec!r}.")
    sd: dict[str, np.ndarray] = {}
    enc_layers, dec_layers = _layer_count(model, "encoder"), _layer_count(model, "decoder")
    for conv in ("conv1", "conv2"):
        _linear(sd, model, f"encoder/{conv}", f"encoder.{conv}")
    sd["encoder.positional_embedding"] = model.get("encoder/position_encodings/encodings").astype(np.float32)
    for i in range(enc_layers):
        src, dst = f"encoder/layer_{i}", f"encoder.blocks.{i}"
        _split_fused(sd, model, f"{src}/self_attention/linear_0", f"{dst}.attn", ("query", "key", "value"))
        _linear(sd, model, f"{src}/self_attention/linear_1", f"{dst}.attn.out")
        _norm(sd, model, f"{src}/self_attention/layer_norm", f"{dst}.attn_ln")
        _linear(sd, model, f"{src}/ffn/linear_0", f"{dst}.mlp.0")
        _linear(sd, model, f"{src}/ffn/linear_1", f"{dst}.mlp.2")
        _norm(sd, model, f"{src}/ffn/layer_norm", f"{dst}.mlp_ln")
    _norm(sd, model, "encoder/layer_norm", "encoder.ln_post")
    sd["decoder.token_embedding.weight"] = _weight(model, "decoder/embeddings")
    sd["decoder.positional_embedding"] = model.get("decoder/position_encodings/encodings").astype(np.float32)
    for i in range(dec_layers):
        src, dst = f"decoder/layer_{i}", f"decoder.blocks.{i}"
        _split_fused(sd, model, f"{src}/self_attention/linear_0", f"{dst}.attn", ("query", "key", "value"))
        _linear(sd, model, f"{src}/self_attention/linear_1", f"{dst}.attn.out")
        _norm(sd, model, f"{src}/self_attention/layer_norm", f"{dst}.attn_ln")
        _linear(sd, model, f"{src}/attention/linear_0", f"{dst}.cross_attn.query")
        _split_fused(sd, model, f"{src}/attention/linear_1", f"{dst}.cross_attn", ("key", "value"))
        _linear(sd, model, f"{src}/attention/linear_2", f"{dst}.cross_attn.out")
        _norm(sd, model, f"{src}/attention/layer_norm", f"{dst}.cross_attn_ln")
        _linear(sd, model, f"{src}/ffn/linear_0", f"{dst}.mlp.0")
        _linear(sd, model, f"{src}/ffn/linear_1", f"{dst}.mlp.2")
        _norm(sd, model, f"{src}/ffn/layer_norm", f"{dst}.mlp_ln")
    _norm(sd, model, "decoder/layer_norm", "decoder.ln")
    conv1 = sd["encoder.conv1.weight"]
    dims = {
        "n_mels": int(conv1.shape[1]),
        "n_audio_ctx": int(sd["encoder.positional_embedding"].shape[0]),
        "n_audio_state": int(conv1.shape[0]),
        "n_audio_head": int(model.get("encoder/num_heads")),
        "n_audio_layer": enc_layers,
        "n_vocab": int(sd["decoder.token_embedding.weight"].shape[0]),
        "n_text_ctx": int(sd["decoder.positional_embedding"].shape[0]),
        "n_text_state": int(sd["decoder.token_embedding.weight"].shape[1]),
        "n_text_head": int(model.get("decoder/num_heads")),
        "n_text_layer": dec_layers,
    }
    return {"dims": dims, "model_state_dict": sd}


def convert(model_bin: Path, out_path: Path) -> Path:
    """Write an openai-whisper checkpoint (float16 tensors, like OpenAI's own) to ``out_path``."""
    import torch

    checkpoint = to_openai_checkpoint(read_ct2_model(model_bin))
    state = {k: torch.from_numpy(np.ascontiguousarray(v)).to(torch.float16)
             for k, v in checkpoint["model_state_dict"].items()}
    with replacing(out_path) as out:
        torch.save({"dims": checkpoint["dims"], "model_state_dict": state}, out)
    return out_path


def _recorded_digest(record: Path) -> str | None:
    """The checkpoint's sha256 recorded at conversion, if the record is for the current model."""
    try:
        data = json.loads(record.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("source_sha256") != MODEL_SHA256:
        return None
    digest = data.get("sha256")
    return digest if isinstance(digest, str) and len(digest) == 64 else None


def ensure_openai_checkpoint(cache_dir: Path) -> Path:
    """The converted checkpoint in the cache, checked before use; converted (about ten seconds) when
    absent, made from another model, or damaged."""
    ct2_dir = ensure_ct2_model(cache_dir)
    directory = Path(cache_dir) / CHECKPOINT_DIRNAME
    target = directory / CHECKPOINT_NAME
    record = directory / (CHECKPOINT_NAME + ".source")
    with cache_lock(directory):
        stamps = StampBook(directory / STAMP_FILE)
        try:
            expected = _recorded_digest(record)
            reason = mismatch(target, expected, stamps=stamps) if expected else "no record"
            if reason is not None:
                if target.exists():
                    log.info("the converted speech model failed its check (%s); converting it again", reason)
                log.info("converting the speech model for openai-whisper into %s", directory)
                record.unlink(missing_ok=True)
                convert(ct2_dir / "model.bin", target)
                record.write_text(json.dumps({"source_sha256": MODEL_SHA256, "size": target.stat().st_size,
                                              "sha256": sha256_file(target)}), encoding="utf-8")
        finally:
            stamps.save()
    return target
