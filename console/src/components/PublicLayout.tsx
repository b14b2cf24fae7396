import { Card, Layout, Typography } from "antd";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { LanguageSelect } from "./LanguageSelect";

/** The frame of the signed-out pages: product name, language, one card. */
export function PublicLayout({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <Layout style={{ minHeight: "100vh" }}>
      <Layout.Header
        style={{ display: "flex", alignItems: "center", justifyContent: "space-between", background: "#fff" }}
      >
        <Typography.Text strong style={{ fontSize: 18 }}>
          {t("app.name")}
        </Typography.Text>
        <LanguageSelect />
      </Layout.Header>
      <Layout.Content
        role="main"
        style={{ display: "flex", justifyContent: "center", alignItems: "flex-start", padding: "48px 16px" }}
      >
        <Card style={{ width: "100%", maxWidth: 480 }}>{children}</Card>
      </Layout.Content>
    </Layout>
  );
}
