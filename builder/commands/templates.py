"""`invoke templates`: regenerate the house-style templates, refusing to overwrite a writer's restyling."""
from __future__ import annotations

from pathlib import Path

from ..errors import Diagnostics, environment_error
from ..ooxml.housestyle import EastAsia, write_templates
from ..profile import available_regions, load_profile


def regenerate(folder: Path, force: bool) -> list[Path]:
    """Write common/ and, for each region with East Asian fonts, its own set; return the files written."""
    try:
        written = write_templates(folder / "common", force=force)
        for region in available_regions(folder):
            diags = Diagnostics()
            profile, _ = load_profile(folder, region, diags)
            diags.raise_if_errors()
            if profile is not None and profile.east_asia is not None:
                fonts = profile.east_asia
                written += write_templates(folder / region, EastAsia(fonts.body_font, fonts.heading_font, fonts.lang),
                                           force=force)
    except FileExistsError as exc:
        raise environment_error("E4032", f"{exc}; pass --force to overwrite (restyling done in Word would be lost)",
                                folder) from None
    return written
