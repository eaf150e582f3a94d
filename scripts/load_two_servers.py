"""A bounded load against two application servers: N signed-in users for S seconds, loopback only.

    python scripts/load_two_servers.py --servers http://127.0.0.1:8101 http://127.0.0.1:8102 --users 16 --seconds 60

Each user signs in on one server and then sends every other request to the other, so the run also shows that
nothing a request needs is kept in one process (sessions, CSRF, uploads live in PostgreSQL). Prints requests,
errors and the 50th/95th percentile response times. Refuses any address that is not on this machine.
"""

import argparse
import http.cookiejar
import itertools
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

PAGES = ["/actions/mine/", "/actions/", "/recommendations/", "/recommendations/laming-2009/", "/reports/papers/"]
ACCOUNTS = ["coordinator", "social.work", "health", "chief.officer"]


def opener():
    jar = http.cookiejar.CookieJar()
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar)), jar


def sign_in(browser, server, username, password):
    page = browser.open(f"{server}/accounts/login/", timeout=30).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
    data = urllib.parse.urlencode({"username": username, "password": password, "csrfmiddlewaretoken": token})
    request = urllib.request.Request(f"{server}/accounts/login/", data.encode(), headers={"Referer": server})  # noqa: S310 - http(s) on loopback only, checked in main()
    response = browser.open(request, timeout=30)
    if "/accounts/login/" in response.url:
        raise RuntimeError(f"{username} could not sign in")


def user(number, servers, password, deadline, results, lock):
    browser, _ = opener()
    sign_in(browser, servers[number % 2], ACCOUNTS[number % len(ACCOUNTS)], password)
    for index in itertools.count():
        if time.monotonic() >= deadline:
            return
        server = servers[(number + index + 1) % 2]  # the first request goes to the server it did not sign in on
        url = server + PAGES[index % len(PAGES)]
        start = time.perf_counter()
        try:
            response = browser.open(url, timeout=30)
            response.read()
            ok = response.status == 200 and "/accounts/login/" not in response.url
        except (urllib.error.URLError, TimeoutError, ConnectionError):
            ok = False
        elapsed = time.perf_counter() - start
        with lock:
            results.append((server, ok, elapsed))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--servers", nargs=2, default=["http://127.0.0.1:8101", "http://127.0.0.1:8102"])
    parser.add_argument("--users", type=int, default=16)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--password", default="cpc-demo-2009")
    args = parser.parse_args()
    for server in args.servers:
        if urllib.parse.urlsplit(server).hostname not in ("127.0.0.1", "localhost", "::1"):
            parser.error(f"{server} is not on this machine: this script only loads loopback addresses")
    if not 1 <= args.users <= 64 or not 1 <= args.seconds <= 600:
        parser.error("at most 64 users for at most 600 seconds")
    results, lock = [], threading.Lock()
    deadline = time.monotonic() + args.seconds
    threads = [
        threading.Thread(target=user, args=(n, args.servers, args.password, deadline, results, lock))
        for n in range(args.users)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    times = sorted(elapsed for _, _, elapsed in results)
    errors = sum(1 for _, ok, _ in results if not ok)

    def percentile(share):  # nearest rank: a time some request really took
        return times[min(len(times) - 1, int(share * len(times)))]

    print(f"{args.users} users, {args.seconds} s, servers {' and '.join(args.servers)}")
    print(f"requests: {len(results)} ({len(results) / args.seconds:.1f}/s), errors: {errors}")
    for server in args.servers:
        print(f"  {server}: {sum(1 for s, _, _ in results if s == server)} requests")
    p50, p95, slowest = (round(value * 1000) for value in (percentile(0.50), percentile(0.95), times[-1]))
    print(f"p50: {p50} ms, p95: {p95} ms, max: {slowest} ms")


if __name__ == "__main__":
    main()
