import type { Condition } from '../model/flag.js';
import { networkContains, parseCidr, parseIp, type IpNetwork } from '../parse/ip.js';
import type { AttributeTest } from './attribute-test.js';

/**
 * `cidr`: an IPv4/IPv6 address attribute inside one of the networks. A string that is not an
 * address is the wrong type; unparseable networks are ignored.
 */
export function compileCidrOperator(condition: Condition): AttributeTest {
  const networks: IpNetwork[] = [];
  for (const value of condition.values) {
    if (typeof value !== 'string') continue;
    const network = parseCidr(value);
    if (network !== undefined) networks.push(network);
  }
  return (attribute) => {
    if (typeof attribute !== 'string') return undefined;
    const address = parseIp(attribute);
    if (address === undefined) return undefined;
    for (const network of networks) if (networkContains(network, address)) return true;
    return false;
  };
}
