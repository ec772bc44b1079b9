"""Pictures: frames, sprites, palette, font, the world map and its heat-map."""
