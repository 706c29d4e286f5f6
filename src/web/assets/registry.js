// The page's hook points: views (a tab in the top bar with its own section) and dashboard cards
// (a section inside the dashboard that loads and renders with it). A new file registers itself
// here and is imported once from app.js; its section goes in index.html and its file name in
// PAGE_FILES (src/web/assets.ts).
//
//   registerView({ id: 'settings', label: 'navSettings', section: 'settings-view', show(ctx), render(ctx) })
//   registerCard({ id: 'consent', load(ctx), render(ctx) })
//
// ctx is the page context from app.js: { t, lang, money, api, getJson, openDetail, today, status }.

export const views = [];
export const cards = [];

export function registerView(view) {
  views.push(view);
}

export function registerCard(card) {
  cards.push(card);
}
