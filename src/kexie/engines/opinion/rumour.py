"""Does an item look like a science rumour? A spreading cue (网传, 朋友圈疯传, 据说, 转发…) together
with a science or health subject (致癌, 辐射, 疫苗, 偏方…), or the word 谣言/辟谣 itself. Returns
the cues found, so a page can say why; the link to a debunking article is the matching engine's."""

from __future__ import annotations

SPREAD = (
    "网传", "网上流传", "流传", "疯传", "朋友圈", "转发", "据说", "听说", "紧急通知", "千万别", "千万不要",
    "速看", "震惊", "注意了", "扩散", "谣言", "辟谣", "不实", "真相",
)  # fmt: skip
SUBJECT = (
    "致癌", "癌症", "辐射", "疫苗", "转基因", "食品安全", "添加剂", "有毒", "中毒", "激素", "病毒", "偏方",
    "秘方", "神药", "包治", "根治", "软化血管", "降血压", "降血糖", "保健品", "地震", "核污染", "重金属",
    "隔夜", "微波炉", "手机", "基站", "雾霾", "养生", "排毒", "量子", "磁疗",
)  # fmt: skip


def rumour_cues(text: str) -> tuple[str, ...]:
    """The cues that make the text look like a science rumour (empty when it does not)."""
    text = text or ""
    spread = [w for w in SPREAD if w in text]
    subject = [w for w in SUBJECT if w in text]
    if spread and subject:
        return tuple(spread[:3] + subject[:3])
    return ()
