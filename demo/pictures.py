"""Stand-ins for the photos of the demo: plain cards and a silhouette, nobody's face."""

from io import BytesIO

from PIL import Image, ImageDraw


def lobby_photo(*lines: str, background=(214, 222, 230), desk: bool = True) -> bytes:
    """A photo a pantarlih takes (a lobby, a letter): a plain card naming what it shows."""
    image = Image.new("RGB", (640, 480), background)
    draw = ImageDraw.Draw(image)
    if desk:
        draw.rectangle((40, 300, 600, 440), fill=(120, 130, 140))  # the front desk
    for i, line in enumerate(("Foto demo", *lines)):
        draw.text((48, 48 + 28 * i), line, fill=(20, 20, 20))
    out = BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def portrait(background: tuple[int, int, int]) -> bytes:
    """A stand-in for an officer's own photo: a plain silhouette."""
    image = Image.new("RGB", (600, 800), background)
    draw = ImageDraw.Draw(image)
    figure = (236, 228, 214)
    draw.ellipse((190, 150, 410, 400), fill=figure)  # head
    draw.rounded_rectangle((255, 380, 345, 470), radius=20, fill=figure)  # neck
    draw.ellipse((70, 440, 530, 1000), fill=figure)  # shoulders
    draw.text((20, 20), "Foto demo", fill=(255, 255, 255))
    out = BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()
