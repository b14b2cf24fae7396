import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import App from "./App";
import { hideDecorativeIcons } from "./components/decorativeIcons";
import "./index.css";
import { initI18n } from "./i18n";
import { loadRuntimeConfig } from "./runtimeConfig";

const root = createRoot(document.getElementById("root")!);
const i18n = initI18n();
hideDecorativeIcons();

loadRuntimeConfig()
  .then(() =>
    root.render(
      <StrictMode>
        <App />
      </StrictMode>,
    ),
  )
  .catch(() => {
    // Before React and antd are up: a plain, readable message rather than a blank page.
    root.render(
      <main style={{ fontFamily: "sans-serif", padding: 32 }}>
        <h1>{i18n.t("errors.title")}</h1>
        <p role="alert">{i18n.t("errors.configMissing")}</p>
      </main>,
    );
  });
