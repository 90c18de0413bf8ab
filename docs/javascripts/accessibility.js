// Material's search dialog has no accessible name; give it the one its input already has.
document.querySelector(".md-search")?.setAttribute("aria-label", "Search");
