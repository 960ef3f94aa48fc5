"""Middle Yangtze Explorer: the interactive map (Streamlit + Folium), offline-first, Chinese first.

    streamlit run streamlit_app.py

The page lives in :mod:`app` (the only package that imports Streamlit).
"""

from __future__ import annotations

import streamlit as st

st.set_page_config(page_title="长江中游城市群 · Middle Yangtze Explorer", page_icon="🗺️", layout="wide")

from app.map_page import main  # noqa: E402  (set_page_config must come first)

main()
