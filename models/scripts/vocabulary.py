"""The demo model's world: categories, colours, backgrounds, lighting, and the word-level tokenizer.

The Java tokenizer (udfs: com.catalogrender.diffusion.WordTokenizer) must match `encode` exactly:
lower-case, split on anything that is not [a-z0-9], map unknown words to <unk>, prepend <bos>,
truncate to MAX_TOKENS, pad with <pad> (id 0).
"""
import re

CATEGORIES = ["sneaker", "mug", "bottle", "box", "watch", "lamp"]
COLOURS = {
    "red": (200, 40, 40),
    "blue": (40, 80, 200),
    "green": (40, 160, 70),
    "yellow": (230, 200, 40),
    "white": (235, 235, 235),
    "black": (30, 30, 30),
    "orange": (240, 130, 30),
    "purple": (130, 60, 170),
}
BACKGROUNDS = ["studio white", "beach", "marble", "wood", "pastel gradient"]
LIGHTING = ["upper-left", "upper-right", "front"]
MAX_TOKENS = 20
SPECIAL = ["<pad>", "<unk>", "<bos>"]
EXTRA_WORDS = ["on", "a", "an", "the", "with", "studio", "lighting", "from", "background", "photo", "of",
               "product", "minimalist", "soft", "shadow", "centered", "shot", "camera", "light"]


def caption(category, colour, background, light):
    return f"{colour} {category} on {background}, studio lighting from {light}"


def words(text):
    return re.findall(r"[a-z0-9]+", text.lower())


def build_vocabulary():
    vocab = list(SPECIAL)
    seen = set(vocab)
    for phrase in CATEGORIES + list(COLOURS) + BACKGROUNDS + LIGHTING + EXTRA_WORDS:
        for w in words(phrase):
            if w not in seen:
                seen.add(w)
                vocab.append(w)
    return vocab


def encode(text, vocab_index):
    ids = [vocab_index["<bos>"]] + [vocab_index.get(w, vocab_index["<unk>"]) for w in words(text)]
    ids = ids[:MAX_TOKENS]
    return ids + [vocab_index["<pad>"]] * (MAX_TOKENS - len(ids))


def is_held_out(category, colour, background):
    """Combinations never shown in training: used for the held-out quality audit."""
    ci, oi, bi = CATEGORIES.index(category), list(COLOURS).index(colour), BACKGROUNDS.index(background)
    return (ci * 7 + oi * 3 + bi * 5) % 10 == 0


def held_out_prompts():
    out = []
    for c in CATEGORIES:
        for o in COLOURS:
            for b in BACKGROUNDS:
                if is_held_out(c, o, b):
                    out.append((c, o, b))
    return out
