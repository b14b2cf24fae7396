import { UploadOutlined } from "@ant-design/icons";
import { useQuery } from "@tanstack/react-query";
import { Button, Card, Flex, Form, Input, Radio, Select, Space, Typography } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { type ImportEntity, type ImportField, newIdempotencyKey } from "../../api/client";
import { useApi, useMe } from "../../auth/AuthProvider";
import { ErrorAlert } from "../../components/ErrorAlert";
import { IMPORT_ENTITIES, readHeader, WRITE_PERMISSION } from "./importFile";

type Source = "hubspot" | "salesforce" | "suitecrm" | "saved" | "custom";
const BUILT_IN: Source[] = ["hubspot", "salesforce", "suitecrm"];
const IGNORED = "";

/** Step 1 of an import: what the file holds and how its columns map; then upload it and start the dry run. */
export default function ImportWizardPage() {
  const { t } = useTranslation();
  const api = useApi();
  const me = useMe();
  const navigate = useNavigate();
  const allowed = IMPORT_ENTITIES.filter((entity) => me.permissions.includes(WRITE_PERMISSION[entity]));
  const [entity, setEntity] = useState<ImportEntity>(allowed[0] ?? "accounts");
  const [source, setSource] = useState<Source>("hubspot");
  const [savedId, setSavedId] = useState<string | null>(null);
  const [file, setFile] = useState<File | null>(null);
  const [headers, setHeaders] = useState<string[]>([]);
  // The user's choices; a column not chosen yet feeds the field its header names, if any.
  const [chosen, setChosen] = useState<Record<string, string>>({});
  const [mapName, setMapName] = useState("");
  const [busy, setBusy] = useState<null | "uploading" | "starting">(null);
  const [error, setError] = useState<unknown>(null);
  const [missing, setMissing] = useState<string | null>(null);

  const mappings = useQuery({ queryKey: ["import-mappings"], queryFn: () => api.importMappings.list() });
  const savedForEntity = (mappings.data?.items ?? []).filter((mapping) => mapping.entity === entity);
  const fields = useQuery({
    queryKey: ["imports", "fields", entity],
    queryFn: () => api.imports.fields(entity),
    enabled: source === "custom",
    staleTime: Infinity,
  });
  const importFields = fields.data?.fields ?? [];
  const columns = Object.fromEntries(headers.map((header) => [header, chosen[header] ?? guessField(importFields, header)]));

  const chooseFile = async (picked: File | null) => {
    setFile(picked);
    setMissing(null);
    setHeaders(picked ? await readHeader(picked) : []);
    setChosen({});
  };

  const start = async () => {
    setError(null);
    if (!file) return setMissing(t("imports.fileRequired"));
    if (source === "saved" && !savedId) return setMissing(t("imports.savedRequired"));
    const assigned = Object.entries(columns).filter(([, field]) => field !== IGNORED);
    if (source === "custom" && (!mapName.trim() || assigned.length === 0)) return setMissing(t("imports.customRequired"));
    setMissing(null);
    setBusy("uploading");
    try {
      let mapping: string = source;
      if (source === "saved") mapping = savedId!;
      if (source === "custom") {
        const saved = await api.importMappings.create(
          { name: mapName.trim(), entity, columns: assigned.map(([column, field]) => ({ column, field })) },
          newIdempotencyKey(),
        );
        mapping = saved.id;
      }
      const created = await api.imports.create({ entity, mapping, file_name: file.name }, newIdempotencyKey());
      await api.imports.upload(created.upload.url, file);
      setBusy("starting");
      await api.imports.dryRun(created.job.id);
      navigate(`/imports/${created.job.id}`);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(null);
    }
  };

  return (
    <Space direction="vertical" size="large" style={{ width: "100%" }}>
      <Typography.Title level={1} style={{ fontSize: 24, margin: 0 }}>
        {t("imports.title")}
      </Typography.Title>
      <Card>
        <Form layout="vertical" onFinish={start} style={{ maxWidth: 720 }}>
          <Form.Item label={t("imports.entity")} htmlFor="import-entity">
            <Select<ImportEntity>
              id="import-entity"
              value={entity}
              onChange={(value) => {
                setEntity(value);
                setSavedId(null);
                setChosen({});
              }}
              options={allowed.map((value) => ({ value, label: t(`imports.entities.${value}`) }))}
            />
          </Form.Item>
          <Form.Item label={t("imports.source")}>
            <Radio.Group
              value={source}
              onChange={(event) => setSource(event.target.value as Source)}
              aria-label={t("imports.source")}
              options={[
                ...BUILT_IN.map((value) => ({ value, label: t(`imports.sources.${value}`) })),
                { value: "saved", label: t("imports.sources.saved"), disabled: savedForEntity.length === 0 },
                { value: "custom", label: t("imports.sources.custom") },
              ]}
            />
          </Form.Item>
          {source === "saved" && (
            <Form.Item label={t("imports.savedMap")} htmlFor="import-saved-map">
              <Select
                id="import-saved-map"
                value={savedId}
                onChange={setSavedId}
                options={savedForEntity.map((mapping) => ({ value: mapping.id, label: mapping.name }))}
              />
            </Form.Item>
          )}
          <Form.Item label={t("imports.file")} htmlFor="import-file" extra={t("imports.fileHelp")}>
            <input
              id="import-file"
              type="file"
              accept=".csv,text/csv"
              onChange={(event) => void chooseFile(event.target.files?.[0] ?? null)}
            />
          </Form.Item>
          {source === "custom" && (
            <>
              <ErrorAlert error={fields.error} onRetry={() => void fields.refetch()} />
              <CustomMap
                fields={importFields}
                headers={headers}
                columns={columns}
                onColumn={(header, field) => setChosen((current) => ({ ...current, [header]: field }))}
                name={mapName}
                onName={setMapName}
              />
            </>
          )}
          {missing && (
            <Typography.Paragraph type="danger" role="alert">
              {missing}
            </Typography.Paragraph>
          )}
          <ErrorAlert error={error} />
          <Flex gap={8}>
            <Button type="primary" htmlType="submit" icon={<UploadOutlined />} loading={busy !== null}>
              {busy ? t(`imports.busy.${busy}`) : t("imports.uploadAndCheck")}
            </Button>
            <Button onClick={() => navigate(-1)} disabled={busy !== null}>
              {t("common.cancel")}
            </Button>
          </Flex>
        </Form>
      </Card>
    </Space>
  );
}

/** A header that names an import field (ignoring case, spaces and underscores) feeds it by default. */
function guessField(fields: ImportField[], header: string): string {
  const simple = (text: string) => text.toLowerCase().replace(/[\s_]+/g, "");
  return fields.find((field) => simple(field.name) === simple(header))?.name ?? IGNORED;
}

/** What a row still needs that no column feeds: each required field, and one field of each group. */
function unfed(fields: ImportField[], fed: Set<string>): string[][] {
  const needs = new Map<string, string[]>();
  for (const field of fields) {
    if (field.required) needs.set(field.name, [field.name]);
    else if (field.one_of) needs.set(`group:${field.one_of}`, [...(needs.get(`group:${field.one_of}`) ?? []), field.name]);
  }
  return [...needs.values()].filter((names) => !names.some((name) => fed.has(name)));
}

interface CustomMapProps {
  fields: ImportField[];
  headers: string[];
  columns: Record<string, string>;
  onColumn: (header: string, field: string) => void;
  name: string;
  onName: (name: string) => void;
}

/** Each column of the file's header → an import field (or ignored); saved under a name for next time. */
function CustomMap({ fields, headers, columns, onColumn, name, onName }: CustomMapProps) {
  const { t } = useTranslation();
  if (headers.length === 0) return <Typography.Paragraph type="secondary">{t("imports.customNeedsFile")}</Typography.Paragraph>;
  const label = (field: string) => t(`imports.fields.${field}`, { defaultValue: field });
  const options = [
    { value: IGNORED, label: t("imports.ignoreColumn") },
    ...fields.map((field) => ({ value: field.name, label: field.required ? t("imports.requiredField", { field: label(field.name) }) : label(field.name) })),
  ];
  const missing = unfed(fields, new Set(Object.values(columns)));
  return (
    <>
      <Form.Item label={t("imports.mapName")} htmlFor="import-map-name">
        <Input id="import-map-name" value={name} maxLength={200} onChange={(event) => onName(event.target.value)} />
      </Form.Item>
      <table style={{ borderCollapse: "collapse", marginBottom: 16 }}>
        <caption style={{ textAlign: "start", fontWeight: 600, paddingBottom: 8 }}>{t("imports.customCaption")}</caption>
        <thead>
          <tr>
            <th scope="col" style={{ textAlign: "start", paddingInlineEnd: 16 }}>
              {t("imports.column")}
            </th>
            <th scope="col" style={{ textAlign: "start" }}>
              {t("imports.field")}
            </th>
          </tr>
        </thead>
        <tbody>
          {headers.map((header, index) => (
            <tr key={header}>
              <td style={{ paddingInlineEnd: 16 }}>
                <label htmlFor={`import-column-${index}`}>{header}</label>
              </td>
              <td style={{ padding: "4px 0" }}>
                <Select
                  id={`import-column-${index}`}
                  value={columns[header] ?? IGNORED}
                  onChange={(field) => onColumn(header, field)}
                  options={options}
                  style={{ width: 260 }}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {missing.length > 0 && (
        <Typography.Paragraph type="warning" role="status">
          {t("imports.stillNeeded", {
            fields: missing.map((names) => names.map(label).join(t("imports.or"))).join(t("imports.and")),
          })}
        </Typography.Paragraph>
      )}
    </>
  );
}
