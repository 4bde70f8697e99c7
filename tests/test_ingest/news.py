"""Arabic news items for the HTML and web tests, and the pages and feeds that carry them."""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Story:
    slug: str
    title: str
    paragraphs: tuple[str, ...]
    published: str
    """As a feed writes it (RFC 822 for RSS)."""

    @property
    def body(self) -> str:
        return "\n\n".join(self.paragraphs)


AIN_ISSA = Story(
    "ain-issa",
    "اجتماع روسي تركي في عين عيسى لبحث التصعيد",
    (
        (
            'كشفت مصادر خاصة لـ "سبوتنيك"، أن اجتماعا عقد بين ضباط في الجيش الروسي والقوات التركية في محيط مدينة'
            " عين عيسى بريف الرقة الشمالي."
        ),
        (
            "وأضافت المصادر أن الاجتماع تناول الأوضاع الميدانية في المنطقة، وسبل منع التصعيد بين الأطراف المتنازعة"
            " على خطوط التماس، في ظل القصف المتبادل خلال الأيام الماضية."
        ),
        (
            "وتشهد المنطقة منذ أسابيع توترا متزايدا بعد قصف متبادل بين الفصائل المدعومة من تركيا وقوات سوريا"
            " الديمقراطية، ما أدى إلى نزوح عشرات العائلات من القرى المحيطة بالمدينة نحو مناطق أكثر أمنا."
        ),
    ),
    "Sun, 20 Dec 2020 09:30:00 +0300",
)
CENTRAL_BANK = Story(
    "central-bank",
    "البنك المركزي يبقي أسعار الفائدة دون تغيير",
    (
        (
            "قرر البنك المركزي المصري الإبقاء على أسعار الفائدة الأساسية دون تغيير، في اجتماع لجنة السياسة النقدية"
            " الذي عقد مساء الخميس، وذلك للمرة الثالثة على التوالي."
        ),
        (
            "وقال البنك في بيان إن القرار يتسق مع تحقيق معدل التضخم المستهدف على المدى المتوسط، مشيرا إلى أن المعدل"
            " السنوي للتضخم سجل تراجعا طفيفا خلال الشهر الماضي."
        ),
        (
            "وتوقع محللون اقتصاديون أن يواصل البنك سياسة التثبيت حتى نهاية العام الجاري، في ظل استمرار الضغوط على"
            " العملة المحلية وارتفاع أسعار الغذاء في الأسواق العالمية."
        ),
    ),
    # Just after midnight in Cairo: still the 17th in UTC, the 18th where it was published.
    "Fri, 18 Dec 2020 00:30:00 +0200",
)
RAIN = Story(
    "rain",
    "أمطار غزيرة وسيول في عدد من مناطق المملكة",
    (
        (
            "شهدت عدة مناطق في المملكة العربية السعودية هطول أمطار غزيرة مصحوبة برياح نشطة، أدت إلى جريان السيول في"
            " الأودية وإغلاق عدد من الطرق الفرعية."
        ),
        (
            "ودعت المديرية العامة للدفاع المدني المواطنين والمقيمين إلى أخذ الحيطة والحذر، والابتعاد عن مجاري السيول"
            " وعدم المجازفة بعبورها، حفاظا على سلامتهم."
        ),
        (
            "وتوقع المركز الوطني للأرصاد استمرار الحالة المطرية حتى نهاية الأسبوع، مع انخفاض ملحوظ في درجات الحرارة"
            " على المناطق الشمالية والوسطى."
        ),
    ),
    "Mon, 21 Dec 2020 14:05:00 +0300",
)
STORIES = (AIN_ISSA, CENTRAL_BANK, RAIN)
ENGLISH_PARAGRAPHS = (
    (
        "The central bank kept its key interest rates unchanged on Thursday, the third hold in a row, citing"
        " easing inflation over the past month and pressure on the currency."
    ),
    "Analysts expect rates to stay on hold until the end of the year as food prices rise on world markets.",
)


def page(
    title: str,
    paragraphs: tuple[str, ...],
    *,
    meta_charset: str | None = "utf-8",
    sitename: str | None = "سبوتنيك عربي",
    published: str | None = "2020-12-20T09:30:00+03:00",
    canonical: str | None = None,
    lang: str = "ar",
    extra_head: str = "",
    extra_body: str = "",
) -> str:
    """A news page as sites build them: head metadata, a menu, the article, a footer."""
    head = [f'<meta charset="{meta_charset}">' if meta_charset else "", f"<title>{html.escape(title)}</title>"]
    if sitename:
        head.append(f'<meta property="og:site_name" content="{html.escape(sitename)}">')
    if published:
        head.append(f'<meta property="article:published_time" content="{published}">')
    if canonical:
        head.append(f'<link rel="canonical" href="{canonical}">')
    article = "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html>
<html lang="{lang}" dir="{"rtl" if lang == "ar" else "ltr"}">
<head>
{"".join(head)}
{extra_head}
</head>
<body>
<nav><ul><li><a href="/">الرئيسية</a></li><li><a href="/politics">سياسة</a></li><li><a href="/sport">رياضة</a></li></ul></nav>
<main><article>
<h1>{html.escape(title)}</h1>
{article}
{extra_body}
</article></main>
<footer><p>جميع الحقوق محفوظة © 2024</p></footer>
</body>
</html>
"""


def story_page(story: Story, **kwargs: Any) -> str:
    return page(story.title, story.paragraphs, **kwargs)


def rss_item(story: Story, link: str, *, description: str | None = None) -> str:
    """An RSS <item>; the description is the story's full text as HTML unless given."""
    text = description if description is not None else "".join(f"<p>{p}</p>" for p in story.paragraphs)
    return f"""<item>
<title>{html.escape(story.title)}</title>
<link>{link}</link>
<guid>{link}</guid>
<pubDate>{story.published}</pubDate>
<description>{html.escape(text)}</description>
</item>"""


def rss(title: str, items: list[str]) -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0">
<channel>
<title>{html.escape(title)}</title>
<link>https://arabic.example.com/</link>
<description>آخر الأخبار</description>
{"".join(items)}
</channel>
</rss>
""".encode()


def atom_entry(story: Story, link: str, updated: str, *, summary: str) -> str:
    return f"""<entry>
<title>{html.escape(story.title)}</title>
<link rel="alternate" href="{link}"/>
<id>{link}</id>
<updated>{updated}</updated>
<summary type="html">{html.escape(summary)}</summary>
</entry>"""


def atom(title: str, entries: list[str]) -> bytes:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
<title>{html.escape(title)}</title>
<id>urn:example:feed</id>
<updated>2020-12-21T12:00:00Z</updated>
{"".join(entries)}
</feed>
""".encode()
