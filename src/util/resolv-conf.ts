// resolv.conf as glibc reads it (the subset a kubelet and a forwarding DNS server need):
// `nameserver` lines accumulate, the last `search` (or `domain`) line wins, the last `options`
// line wins. Shared by the kubelet (pods with dnsPolicy Default) and the cluster DNS (its upstreams).

export interface ResolvConf {
  nameservers: string[];
  searches: string[];
  options: string[];
}

export function parseResolvConf(text: string): ResolvConf {
  const conf: ResolvConf = { nameservers: [], searches: [], options: [] };
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed.startsWith('#') || trimmed.startsWith(';')) continue;
    const [key, ...fields] = trimmed.split(/\s+/);
    if (key === 'nameserver' && fields[0]) conf.nameservers.push(fields[0]);
    // The same domain with and without its trailing dot counts once (as upstream's kubelet).
    else if (key === 'search' || key === 'domain') conf.searches = fields.map(s => s.replace(/\.$/, '')).filter(Boolean);
    else if (key === 'options') conf.options = fields;
  }
  return conf;
}
