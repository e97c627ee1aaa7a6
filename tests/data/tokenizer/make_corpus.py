#!/usr/bin/env python3
"""Writes corpus.jsonl: the strings the tokenizer oracle test encodes (one JSON string a line).

Deterministic (seeded), so the committed file can be regenerated and diffed:
    python3 tests/data/tokenizer/make_corpus.py > tests/data/tokenizer/corpus.jsonl
"""
import json
import random

rng = random.Random(13)

english = [
    "Hello world", "Hello, world!", "The quick brown fox jumps over the lazy dog.",
    "I'm sure you'll see what they've done; it's what we'd do.", "DON'T SHOUT, IT'S RUDE",
    "She said: \"don't go\" -- and left.", "e.g. i.e. etc. Mr. Smith's dog's bone",
    "Tokenization isn't always straightforward, is it?", "  leading spaces", "trailing spaces   ",
    "multiple   spaces   between   words", "tabs\tbetween\twords", "new\nlines\nhere",
    "windows\r\nline\r\nendings", "mixed \t \n whitespace \n\n\n end", "", " ", "  ", "\n", "\t",
    "\n\n", " \n ", "a", "A", "I", "'s", "'S", "'ll", "x'", "you've", "YOU'VE", "it’s curly",
    "Ünïcödé ãccents", "naïve café résumé façade", "Straße groß", "İstanbul ıi", "ﬁ ﬂ ﬀ ligatures",
    "ＦＵＬＬＷＩＤＴＨ ｔｅｘｔ １２３", "e\u0301 vs \u00e9", "A\u030a vs \u00c5", "ǅ ǈ titlecase",
]
scripts = [
    "你好，世界！", "我爱自然语言处理。", "机器学习和深度学习是人工智能的分支。", "日本語のテキストです。",
    "カタカナとひらがなと漢字", "東京タワーは333メートルです", "안녕하세요 세계", "한국어 토큰화 테스트입니다",
    "مرحبا بالعالم", "اللغة العربية جميلة جداً", "नमस्ते दुनिया", "हिन्दी में लिखा गया वाक्य",
    "Привет, мир!", "Съешь же ещё этих мягких французских булок", "Γειά σου Κόσμε", "שלום עולם",
    "สวัสดีชาวโลก", "Xin chào thế giới", "გამარჯობა", "Բարեւ աշխարհ", "ሰላም ልዑል", "வணக்கம் உலகம்",
    "ສະບາຍດີ", "བཀྲ་ཤིས་བདེ་ལེགས།", "Ελληνικά ΚΕΦΑΛΑΙΑ", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝕞𝕒𝕥𝕙", "ᚠᛇᚻ᛫ᛒᛦᚦ",
]
emoji = [
    "😀", "👍🏽", "👍🏿 thumbs", "👩‍👩‍👧‍👦 family", "👨🏻‍💻 coder", "🏳️‍🌈 flag", "🇺🇸🇯🇵🇫🇷",
    "❤️ love", "🤷‍♀️", "emoji🙂inside🙃words", "🧑🏾‍🤝‍🧑🏼", "1️⃣2️⃣3️⃣", "✌🏼✌🏽✌🏾", "🐍 python 🦀 rust",
]
code = [
    "def foo(x):\n    return x + 1\n", "for (int i = 0; i < n; ++i) {\n\tsum += a[i];\n}",
    "#include <iostream>\nint main() { std::cout << \"hi\\n\"; }",
    "{\"key\": [1, 2, 3], \"nested\": {\"a\": null}}", "SELECT * FROM users WHERE id = 42;",
    "if x == 1 and y != 2:\n        pass", "const f = (a, b) => a ?? b;", "<div class=\"x\">&amp;</div>",
    "    four spaces\n        eight spaces\n\t\ttwo tabs", "x+=1;y-=2;z*=3;w/=4", "a_b_c __init__ self.x",
    "fn main() -> Result<(), Box<dyn Error>> { Ok(()) }", "$ ls -la | grep '^d' > out.txt 2>&1",
]
numbers = [
    "1234567890", "3.14159265358979", "1,000,000", "1 000 000", "+1 (555) 123-4567", "2024-01-31",
    "abc123def456", "0x1F 0b1010 0o777", "١٢٣٤٥ ٦٧٨٩", "१२३४५", "①②③ ⅫⅣ", "½ ¾ ²³", "99.9% 100%",
    "1e10 -2.5E-3", "12345678901234567890123456789",
]
urls = [
    "https://example.com/path?query=1&x=y#frag", "http://localhost:8080/v1/tokenize",
    "mailto:someone@example.org", "user.name+tag@sub.example.co.uk", "ftp://files.example.net/a/b.tar.gz",
    "www.example.com/wiki/Unicode_(standard)", "C:\\Program Files\\App\\app.exe", "/usr/local/bin/smgctl",
]
specials = [
    "<|begin_of_text|>Hello<|end_of_text|>", "prose <|eot_id|> more prose", "<s>Hello</s>",
    "<s> Hello </s>", "text<s>inside</s>text", "<bos>start", "<eos>", "<start_of_turn>user\nhi<end_of_turn>",
    "<|im_start|>system\nYou are helpful.<|im_end|>\n<|im_start|>user\nhi<|im_end|>",
    "<｜begin▁of▁sentence｜>hello<｜end▁of▁sentence｜>", "<|endoftext|>", "<|startoftext|>x",
    "<|begin_of_text", "<|begin_of_text|", "<<s>>", "<s><s></s></s>", "<unk> token", "<pad><pad>",
    "[INST] question [/INST]", "<|start_header_id|>user<|end_header_id|>\n\nhi<|eot_id|>",
    "<|reserved_special_token_0|>", "<think>reasoning</think>answer", "<tool_call>{}</tool_call>",
    "<|channel|>analysis<|message|>hi<|end|>", "<|fim_prefix|>a<|fim_suffix|>b<|fim_middle|>",
    "<mask> [MASK] [CLS] [SEP]", "▁already▁metaspace", "Ġbyte Ċlevel",
    "visit [city] now", "a[city]b", "[CITY] upper", "x <sep> y", "  <sep>  ", "a<sep>b<sep>",
    "[UNK] [PAD]", "text[SEP]text", "<0x41> <0xZZ>",
]
long_words = [
    "a" * 1000, "supercalifragilisticexpialidocious" * 30, "ab" * 700, "z" * 257, "ñ" * 400,
    "漢" * 500, "🙂" * 300, "-" * 600, " " * 500, "\n" * 300, "1" * 999,
    "pneumonoultramicroscopicsilicovolcanoconiosis", "Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch",
]

pools = {
    "latin": "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "digits": "0123456789",
    "punct": ".,;:!?'\"()[]{}<>-_/\\@#$%^&*+=~`|",
    "space": " \t\n\r\u00a0\u3000\u2009\u0085\u200b",
    "cjk": "的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可她里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长知民样现分将外但身些与高意进把法此实回二理美点月明其种声全工己话儿者向情部正名定女问力机给等几很业最间新什打便位因重被走电四第门相次东政海口使教西再平真听世气信北少关并内加化由却代军产入先山五太水万市眼体别处总才场师书比住员九笑性通目华报立马命张活难神数件安表原车白应路期叫死常提感金何更反合放做系计或司利受光王果亲界及今京务制解各任至清物台象记边共风战干接它许八特觉望直服毛林题建南度统色字请交爱让认算论百吃义科怎元社术结六功指思非流每青管夫连远资队跟带花快条院变联言权往展该领传近留红治决周保达办运武半候七必城父强步完革深区即求品士转量空甚众技轻程告江语英基派满式李息写呢识极令黄德收脸钱党倒未持音早格",
    "kana": "あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわをんアイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヲンー",
    "hangul": "가나다라마바사아자차카타파하한국어토큰",
    "arabic": "ابتثجحخدذرزسشصضطظعغفقكلمنهوي",
    "devanagari": "अआइईउऊएऐओऔकखगघचछजझटठडढणतथदधनपफबभमयरलवशषसह\u093e\u093f\u0940\u0941\u0942\u0947\u0948\u094b\u094c\u094d\u0902",
    "cyrillic": "абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГД",
    "greek": "αβγδεζηθικλμνξοπρστυφχψωΑΒΓΔ",
    "accents": "áéíóúàèìòùâêîôûäëïöüñçøåæœ\u0301\u0300\u0308",
    "emoji": ["😀", "😂", "🥲", "👍", "👍🏻", "👍🏾", "👩‍💻", "🏳️‍🌈", "❤️", "🇩🇪", "✨", "🔥", "🧑‍🚀"],
    "symbols": "€£¥©®™°±×÷§¶•…‰′″‹›«»“”‘’–—→←↑↓∀∂∃∅∇∈∉∑∏√∞≈≠≤≥",
}
pool_names = list(pools)


def random_string():
    parts = []
    for _ in range(rng.randint(1, 12)):
        pool = pools[rng.choice(pool_names)]
        run = rng.randint(1, 8)
        parts.append("".join(rng.choice(pool) for _ in range(run)))
        if rng.random() < 0.6:
            parts.append(rng.choice([" ", " ", " ", "  ", "\n", "\t", "", ", ", ". ", "'s ", "'t "]))
    return "".join(parts)


def mix(sentences, count):
    out = []
    for _ in range(count):
        k = rng.randint(2, 4)
        out.append(rng.choice([" ", "\n", "", "  ", " - "]).join(rng.choice(sentences) for _ in range(k)))
    return out


def big(seed_texts, size):
    out = []
    while sum(len(s.encode()) for s in out) < size:
        out.append(rng.choice(seed_texts))
    return " ".join(out)


handwritten = english + scripts + emoji + code + numbers + urls + specials + long_words
everything = english + scripts + emoji + code + numbers + urls + specials
corpus = list(handwritten)
corpus += mix(everything, 600)
corpus += [random_string() for _ in range(1400)]
corpus += [big(english + code, 100 * 1024), big(everything, 100 * 1024),
           "".join(random_string() for _ in range(1500))[: 100 * 1024]]
for line in corpus:
    print(json.dumps(line, ensure_ascii=False))
