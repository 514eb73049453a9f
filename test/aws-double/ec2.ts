/**
 * EC2 operations of the double. EC2 speaks the Query protocol, not JSON 1.1: a form-encoded POST
 * (`Action=DescribeInstances&Version=2016-11-15&InstanceId.1=…`) answered with XML
 * (`<DescribeInstancesResponse>` … `<reservationSet><item><instancesSet><item>`), and errors as
 * `<Response><Errors><Error><Code>`. DescribeInstances takes at most 1,000 `InstanceId`s, rejects
 * `MaxResults` together with them, and fails as a whole for an id it does not know
 * (`InvalidInstanceID.NotFound`), as EC2 does.
 */
import { AwsError } from './errors.ts';
import type { FleetIndex } from './fleet-index.ts';

/** The XML text of an answer. */
export class XmlBody {
  constructor(readonly text: string) {}
}

/** A form-encoded Query request: `Action`, `Version` and the flattened members. */
export type QueryInput = ReadonlyMap<string, string>;

export const parseQuery = (body: string): QueryInput => new Map(new URLSearchParams(body));

const DESCRIBE_INSTANCES_MAX_IDS = 1000;
const XMLNS = 'http://ec2.amazonaws.com/doc/2016-11-15/';

const escapeXml = (text: string) =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

const element = (name: string, value: string | undefined) =>
  value === undefined ? '' : `<${name}>${escapeXml(value)}</${name}>`;

/** Members named `<prefix>.1`, `<prefix>.2`, … in order. */
const listMembers = (input: QueryInput, prefix: string): string[] => {
  const values: string[] = [];
  for (let n = 1; input.has(`${prefix}.${n}`); n += 1) values.push(input.get(`${prefix}.${n}`) ?? '');
  return values;
};

export const ec2Error = (code: string, message: string) => new AwsError(400, code, message, 'Message');

const describeInstances = (index: FleetIndex, input: QueryInput): XmlBody => {
  const ids = listMembers(input, 'InstanceId');
  if (ids.length > DESCRIBE_INSTANCES_MAX_IDS) {
    throw ec2Error(
      'InvalidParameterValue',
      `The maximum number of instance IDs is ${DESCRIBE_INSTANCES_MAX_IDS}.`,
    );
  }
  if (ids.length > 0 && input.has('MaxResults')) {
    throw ec2Error(
      'InvalidParameterCombination',
      'The parameter instancesSet cannot be used with the parameter maxResults',
    );
  }
  const unknown = ids.filter((id) => !index.ec2Instances.has(id));
  if (unknown.length > 0) {
    throw ec2Error('InvalidInstanceID.NotFound', `The instance IDs '${unknown.join(', ')}' do not exist`);
  }
  const instances =
    ids.length > 0 ? ids.map((id) => index.ec2Instances.get(id)!) : [...index.ec2Instances.values()];
  const items = instances
    .map(
      (ci) =>
        `<item>${element('reservationId', `r-${ci.ec2InstanceId?.slice(2)}`)}${element('ownerId', index.fleet.accountId)}<groupSet/>` +
        `<instancesSet><item>${element('instanceId', ci.ec2InstanceId)}<instanceState><code>16</code><name>running</name></instanceState>` +
        `${element('privateIpAddress', ci.ip)}${element('ipv6Address', ci.ipv6)}${element('instanceType', 'm7g.large')}</item></instancesSet></item>`,
    )
    .join('');
  return new XmlBody(
    `<?xml version="1.0" encoding="UTF-8"?>\n<DescribeInstancesResponse xmlns="${XMLNS}"><requestId>00000000-0000-4000-8000-000000000000</requestId><reservationSet>${items}</reservationSet></DescribeInstancesResponse>`,
  );
};

/** EC2 handlers by `Action`. */
export const ec2Operations = {
  DescribeInstances: describeInstances,
} as const satisfies Record<string, (index: FleetIndex, input: QueryInput) => XmlBody>;

/** The XML error body EC2 writes. */
export const ec2ErrorXml = (error: AwsError): string =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${escapeXml(error.type)}</Code><Message>${escapeXml(error.message)}</Message></Error></Errors><RequestID>00000000-0000-4000-8000-000000000000</RequestID></Response>`;
