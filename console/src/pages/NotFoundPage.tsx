import { Result } from "antd";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";

export default function NotFoundPage() {
  const { t } = useTranslation();
  return (
    <Result
      status="404"
      title={<h1 style={{ fontSize: 24 }}>{t("common.notFound")}</h1>}
      subTitle={t("common.pageNotFound")}
      extra={<Link to="/accounts">{t("common.backToAccounts")}</Link>}
    />
  );
}
