import { xmlAttribute } from './qgisStyle.js';

/** One regime of a point layer's style. */
export interface PointStyleEntry {
  value: number;
  rgb: [number, number, number];
  label: string;
}

function markerSymbol(name: string, rgb: [number, number, number], alpha = 255): string {
  const colour = `${rgb[0]},${rgb[1]},${rgb[2]},${alpha}`;
  return `      <symbol type="marker" name="${name}" alpha="1" clip_to_extent="1" force_rhr="0">
        <layer class="SimpleMarker" enabled="1" locked="0" pass="0">
          <Option type="Map">
            <Option name="color" type="QString" value="${colour}"/>
            <Option name="name" type="QString" value="circle"/>
            <Option name="outline_color" type="QString" value="${colour}"/>
            <Option name="outline_style" type="QString" value="no"/>
            <Option name="size" type="QString" value="1.8"/>
            <Option name="size_unit" type="QString" value="MM"/>
          </Option>
        </layer>
      </symbol>`;
}

/**
 * A QGIS layer style (`.qml`) for the labelled points: a categorized renderer on
 * the `regime` field, one category per regime in the COG's colours and with its
 * names, and a grey category for points whose cell is not a node (NULL regime).
 */
export function qgisCategorizedPointStyle(entries: PointStyleEntry[], field = 'regime'): string {
  const nodeless = entries.length;
  const categories = [
    ...entries.map((e, i) => `      <category value="${e.value}" symbol="${i}" label="${xmlAttribute(e.label)}" render="true"/>`),
    `      <category value="" symbol="${nodeless}" label="not a node (no regime)" render="true"/>`,
  ].join('\n');
  const symbols = [...entries.map((e, i) => markerSymbol(String(i), e.rgb)), markerSymbol(String(nodeless), [160, 160, 160], 160)].join('\n');
  return `<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
<qgis version="3.28.0" styleCategories="Symbology">
  <renderer-v2 type="categorizedSymbol" attr="${xmlAttribute(field)}" forceraster="0" symbollevels="0" enableorderby="0" referencescale="-1">
    <categories>
${categories}
    </categories>
    <symbols>
${symbols}
    </symbols>
    <source-symbol>
${markerSymbol('0', [128, 128, 128])}
    </source-symbol>
    <rotation/>
    <sizescale/>
  </renderer-v2>
  <blendMode>0</blendMode>
  <featureBlendMode>0</featureBlendMode>
  <layerGeometryType>0</layerGeometryType>
</qgis>
`;
}
