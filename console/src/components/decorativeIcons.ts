/** antd's icons announce their file names in English ("loading", "check-circle", "down") whatever the UI
 * language, including the ones antd renders itself (button spinners, toasts, select arrows). Every icon in
 * this console sits next to a text that says the same, so they are hidden from assistive technology. */
const ICON = ".anticon[role='img']";

function hide(root: ParentNode): void {
  for (const icon of root.querySelectorAll(ICON)) {
    icon.setAttribute("aria-hidden", "true");
    icon.removeAttribute("aria-label");
  }
}

export function hideDecorativeIcons(root: HTMLElement = document.body): () => void {
  hide(root);
  const observer = new MutationObserver((changes) => {
    for (const change of changes) {
      for (const node of change.addedNodes) {
        if (!(node instanceof Element)) continue;
        if (node.matches(ICON)) hide(node.parentElement ?? node);
        else hide(node);
      }
    }
  });
  observer.observe(root, { childList: true, subtree: true });
  return () => observer.disconnect();
}
