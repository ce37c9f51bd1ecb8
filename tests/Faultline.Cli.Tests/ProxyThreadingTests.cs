namespace Faultline.Cli.Tests;

public sealed class ProxyThreadingTests
{
    [Theory]
    [InlineData("router --listen 127.0.0.1:8080 --stable http://a --canary http://b", true)]
    [InlineData("canary run rollout.yaml", true)]
    [InlineData("canary demo --healthy", true)]
    [InlineData("canary judge --baseline a.csv --canary b.csv", false)]
    [InlineData("canary status rollout.yaml", false)]
    [InlineData("check examples/shop", false)]
    [InlineData("serve --listen 127.0.0.1:8090", false)]
    [InlineData("", false)]
    public void CarriesTraffic_OnlyForTheCommandsThatRunTheRouter(string line, bool expected) =>
        Assert.Equal(expected, ProxyThreading.CarriesTraffic(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)));
}
