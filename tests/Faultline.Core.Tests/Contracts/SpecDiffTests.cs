using Faultline.Core.Contracts;
using Faultline.Core.Documents;
using Faultline.Sources.OpenApi;
using static Faultline.Core.Contracts.SpecDiff.RuleIds;

namespace Faultline.Core.Tests.Contracts;

/// <summary>Each contract rule fires on the change it names and stays silent on its harmless twin.</summary>
public sealed class SpecDiffTests
{
    private const string Obj = "type: object";

    /// <summary>
    /// One operation, POST /charges/{id}, whose request and 200 response bodies (application/json) and parameters
    /// are given as flow-style YAML; <paramref name="extra"/> adds paths or components verbatim.
    /// </summary>
    private static string Spec(string request = Obj, string response = Obj, string parameters = "[]", string responses = "", string extra = "",
        string version = "3.0.3", string requestMedia = "application/json", string responseMedia = "application/json", bool bodyRequired = true)
    {
        var body = "{required: " + (bodyRequired ? "true" : "false") + ", content: {\"" + requestMedia + "\": {schema: {" + request + "}}}}";
        var ok = "{description: ok, content: {\"" + responseMedia + "\": {schema: {" + response + "}}}}";
        return $$"""
            openapi: {{version}}
            info: {title: t, version: "1"}
            paths:
              /charges/{id}:
                post:
                  parameters: {{parameters}}
                  requestBody: {{body}}
                  responses:
                    "200": {{ok}}
            {{responses}}
            {{extra}}
            """;
    }

    private static ApiSpec Read(string text, string file)
    {
        var diagnostics = new List<InputDiagnostic>();
        var spec = OpenApiReader.Read(file, diagnostics, _ => text);
        Assert.True(diagnostics.Count == 0, string.Join("\n", diagnostics));
        return spec!;
    }

    private static IReadOnlyList<ContractChange> Diff(string baseText, string headText) =>
        SpecDiff.Diff(Read(baseText, "base.yaml"), Read(headText, "head.yaml"));

    private static ContractChange Single(IReadOnlyList<ContractChange> changes, string ruleId)
    {
        var matching = changes.Where(c => c.RuleId == ruleId).ToList();
        Assert.True(matching.Count == 1, $"expected one {ruleId}, got:\n{Describe(changes)}");
        return matching[0];
    }

    private static void None(IReadOnlyList<ContractChange> changes, string ruleId) =>
        Assert.True(changes.All(c => c.RuleId != ruleId), $"expected no {ruleId}, got:\n{Describe(changes)}");

    private static string Describe(IReadOnlyList<ContractChange> changes) =>
        string.Join("\n", changes.Select(c => $"{c.RuleId} {c.Operation} [{c.FieldPath}] {c.Description}"));

    private static string Props(string properties, string required = "[]") => $"type: object, required: {required}, properties: {{{properties}}}";

    [Fact]
    public void Diff_BasePathChanged_EveryOperationMovesFromItsOldPath()
    {
        var v1 = Spec(extra: "servers: [{url: 'https://api.example.com/v1'}]");
        var v2 = Spec(extra: "servers: [{url: 'https://api.example.com/v2/'}]");
        var moved = Single(Diff(v1, v2), SpecDiff.RuleIds.OperationRemoved);
        Assert.Equal("POST /v1/charges/{id}", moved.Operation);
        Assert.Contains("moved to POST /v2/charges/{id}: the API's base path changed from /v1 to /v2", moved.Description);
        Assert.Empty(Diff(v1, Spec(extra: "servers: [{url: 'http://other-host:8080/v1/'}]")));
    }

    [Fact]
    public void Diff_SameSpec_ReportsNothing()
    {
        var text = Spec(Props("a: {type: string, enum: [x]}", "[a]"), Props("b: {type: integer, maximum: 3}", "[b]"), "[{name: q, in: query, schema: {type: string}}]");

        Assert.Empty(Diff(text, text));
    }

    [Fact]
    public void OperationRemoved_OperationGone_Fires()
    {
        var head = Spec().Replace("/charges/{id}:", "/payments/{id}:", StringComparison.Ordinal);

        var change = Single(Diff(Spec(), head), OperationRemoved);

        Assert.Equal(("POST /charges/{id}", ChangeDirection.Operation, ""), (change.Operation, change.Direction, change.FieldPath));
        Assert.Equal(new SourceLocation("base.yaml", 6), change.BaseLocation);
        Assert.Null(change.HeadLocation);
        Assert.Equal("POST /charges/{id} was removed", change.Description);
    }

    [Fact]
    public void OperationRemoved_PathParameterRenamed_DoesNotFire()
    {
        var b = Spec(parameters: "[{name: id, in: path, required: true, schema: {type: string}}]");
        var h = Spec(parameters: "[{name: chargeId, in: path, required: true, schema: {type: string}}]").Replace("{id}", "{chargeId}", StringComparison.Ordinal);

        Assert.Empty(Diff(b, h));
    }

    [Fact]
    public void ResponseFieldRemoved_FieldGone_FiresWithDottedPath()
    {
        var b = Spec(response: Props("amount: {type: object, properties: {currency: {type: string}, value: {type: integer}}}"));
        var h = Spec(response: Props("amount: {type: object, properties: {value: {type: integer}}}"));

        var change = Single(Diff(b, h), ResponseFieldRemoved);

        Assert.Equal(("amount.currency", ChangeDirection.Response, "200", "application/json"), (change.FieldPath, change.Direction, change.Status, change.MediaType));
        Assert.Equal("response 200 (application/json): field 'amount.currency' was removed", change.Description);
        Assert.Equal("base.yaml", change.BaseLocation!.Value.File);
        Assert.Equal("head.yaml", change.HeadLocation!.Value.File);
    }

    [Fact]
    public void ResponseFieldRemoved_FieldAddedOrWriteOnlyRemoved_DoesNotFire()
    {
        var b = Spec(response: Props("a: {type: string}, secret: {type: string, writeOnly: true}"));
        var h = Spec(response: Props("a: {type: string}, b: {type: string}"));

        None(Diff(b, h), ResponseFieldRemoved);
    }

    [Fact]
    public void ResponseFieldRemoved_InArrayItems_UsesBracketPath()
    {
        var b = Spec(response: Props("items: {type: array, items: {type: object, properties: {id: {type: string}}}}"));
        var h = Spec(response: Props("items: {type: array, items: {type: object, properties: {}}}"));

        Assert.Equal("items[].id", Single(Diff(b, h), ResponseFieldRemoved).FieldPath);
    }

    [Theory]
    [InlineData("{type: string}", "{type: integer}")]
    [InlineData("{type: integer}", "{type: number}")]
    [InlineData("{type: string, format: date-time}", "{type: string, format: date}")]
    [InlineData("{type: integer, format: int32}", "{type: integer, format: int64}")]
    [InlineData("{type: object, properties: {x: {type: string}}}", "{type: array, items: {type: string}}")]
    public void ResponseFieldTypeChanged_WiderOrOtherType_Fires(string before, string after)
    {
        var change = Single(Diff(Spec(response: Props($"f: {before}")), Spec(response: Props($"f: {after}"))), ResponseFieldTypeChanged);

        Assert.Equal("f", change.FieldPath);
        Assert.StartsWith("response 200 (application/json): field 'f' changed type from ", change.Description, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{type: number}", "{type: integer}")]
    [InlineData("{type: integer, format: int64}", "{type: integer, format: int32}")]
    [InlineData("{type: string}", "{type: string, format: uuid}")]
    public void ResponseFieldTypeChanged_NarrowerType_DoesNotFire(string before, string after) =>
        None(Diff(Spec(response: Props($"f: {before}")), Spec(response: Props($"f: {after}"))), ResponseFieldTypeChanged);

    [Fact]
    public void ResponseFieldTypeChanged_NewOneOfBranch_Fires()
    {
        var extra = """
            components:
              schemas:
                Card: {type: object, properties: {last4: {type: string}}}
                Bank: {type: object, properties: {iban: {type: string}}}
                Wallet: {type: object, properties: {provider: {type: string}}}
            """;
        var b = Spec(response: Props("method: {oneOf: [{$ref: '#/components/schemas/Card'}, {$ref: '#/components/schemas/Bank'}]}"), extra: extra);
        var h = Spec(response: Props("method: {oneOf: [{$ref: '#/components/schemas/Card'}, {$ref: '#/components/schemas/Bank'}, {$ref: '#/components/schemas/Wallet'}]}"), extra: extra);

        var change = Single(Diff(b, h), ResponseFieldTypeChanged);

        Assert.Contains("may now be Wallet", change.Description, StringComparison.Ordinal);
        Assert.Empty(Diff(h, b));
    }

    [Fact]
    public void ResponseFieldBecameOptional_RequiredToOptional_Fires()
    {
        var change = Single(Diff(Spec(response: Props("id: {type: string}", "[id]")), Spec(response: Props("id: {type: string}"))), ResponseFieldBecameOptional);

        Assert.Equal(("id", "response 200 (application/json): field 'id' is no longer required"), (change.FieldPath, change.Description));
    }

    [Theory]
    [InlineData("3.0.3", "{type: string, nullable: true}")]
    [InlineData("3.1.0", "{type: [string, 'null']}")]
    [InlineData("3.1.0", "{oneOf: [{type: 'null'}, {type: string}]}")]
    public void ResponseFieldBecameOptional_BecameNullable_Fires(string version, string after)
    {
        var change = Single(Diff(Spec(response: Props("id: {type: string}", "[id]"), version: version),
            Spec(response: Props($"id: {after}", "[id]"), version: version)), ResponseFieldBecameOptional);

        Assert.EndsWith("may now be null", change.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void ResponseFieldBecameOptional_OptionalToRequiredOrNotNull_DoesNotFire()
    {
        var b = Spec(response: Props("id: {type: string, nullable: true}"));
        var h = Spec(response: Props("id: {type: string}", "[id]"));

        Assert.Empty(Diff(b, h));
    }

    [Fact]
    public void ResponseFieldBecameOptional_OneOfSplitsTheRequiredFields_Fires()
    {
        var b = Spec(response: Props("foo: {type: string}, bar: {type: string}", "[foo, bar]"));
        var h = Spec(response: "oneOf: [{" + Props("foo: {type: string}, bar: {type: string}", "[foo]") + "}, {" + Props("foo: {type: string}, bar: {type: string}", "[bar]") + "}]");

        var changes = Diff(b, h);

        Assert.Equal(["contract.response-field-became-optional foo", "contract.response-field-became-optional bar"], changes.Select(c => $"{c.RuleId} {c.FieldPath}"));
    }

    [Fact]
    public void ResponseEnumValueAdded_NewValue_Fires()
    {
        var change = Single(Diff(Spec(response: Props("status: {type: string, enum: [pending, paid]}")),
            Spec(response: Props("status: {type: string, enum: [pending, paid, refunded]}"))), ResponseEnumValueAdded);

        Assert.Equal(("status", "response 200 (application/json): field 'status' may now be \"refunded\""), (change.FieldPath, change.Description));
    }

    [Fact]
    public void ResponseEnumValueAdded_EnumDropped_Fires() =>
        Single(Diff(Spec(response: Props("status: {type: string, enum: [a]}")), Spec(response: Props("status: {type: string}"))), ResponseEnumValueAdded);

    [Fact]
    public void ResponseEnumValueAdded_EnumGoneWithTheTypeChange_ReportsOnlyTheTypeChange()
    {
        var changes = Diff(Spec(response: Props("status: {type: string, enum: [a, b]}")), Spec(response: Props("status: {type: integer}")));

        Assert.Equal([ResponseFieldTypeChanged], changes.Select(c => c.RuleId));
    }

    [Fact]
    public void ResponseEnumValueAdded_ValueRemoved_DoesNotFire() =>
        Assert.Empty(Diff(Spec(response: Props("status: {type: string, enum: [a, b]}")), Spec(response: Props("status: {type: string, enum: [a]}"))));

    private const string Created = """
                "201": {description: created}
                "404": {description: missing}
        """;

    [Fact]
    public void ResponseStatusRemoved_SuccessStatusGone_Fires()
    {
        var change = Single(Diff(Spec(responses: Created), Spec(responses: "        \"404\": {description: missing}")), ResponseStatusRemoved);

        Assert.Equal(("201", ChangeDirection.Response, "response 201 was removed"), (change.Status, change.Direction, change.Description));
        Assert.Equal(new SourceLocation("base.yaml", 10), change.BaseLocation);
    }

    [Fact]
    public void ResponseStatusRemoved_ErrorStatusGoneOrCoveredByRange_DoesNotFire()
    {
        Assert.Empty(Diff(Spec(responses: Created), Spec(responses: "        \"201\": {description: created}")));
        Assert.Empty(Diff(Spec(responses: Created), Spec(responses: "        \"2XX\": {description: any success}\n        \"404\": {description: missing}")));
    }

    [Fact]
    public void MediaTypeRemoved_ResponseMediaTypeGone_Fires()
    {
        var change = Single(Diff(Spec(), Spec(responseMedia: "application/xml")), MediaTypeRemoved);

        Assert.Equal((ChangeDirection.Response, "200", "application/json"), (change.Direction, change.Status, change.MediaType));
        Assert.Equal("response 200 no longer returns application/json (returns application/xml)", change.Description);
    }

    [Fact]
    public void MediaTypeRemoved_RequestMediaTypeGone_Fires()
    {
        var change = Single(Diff(Spec(), Spec(requestMedia: "application/xml")), MediaTypeRemoved);

        Assert.Equal((ChangeDirection.Request, null, "application/json"), (change.Direction, change.Status, change.MediaType));
    }

    [Fact]
    public void MediaTypeRemoved_OnlyParametersChanged_DoesNotFire() =>
        Assert.Empty(Diff(Spec(), Spec(requestMedia: "application/json; charset=utf-8", responseMedia: "application/json;charset=utf-8")));

    [Fact]
    public void RequestFieldBecameRequired_NewRequiredProperty_Fires()
    {
        var change = Single(Diff(Spec(Props("a: {type: string}")), Spec(Props("a: {type: string}, currency: {type: string}", "[currency]"))), RequestFieldBecameRequired);

        Assert.Equal(("currency", ChangeDirection.Request, null), (change.FieldPath, change.Direction, change.Status));
        Assert.Equal("request body (application/json): field 'currency' is new and required", change.Description);
    }

    [Fact]
    public void RequestFieldBecameRequired_OptionalPropertyBecameRequired_Fires() =>
        Assert.Equal("a.b", Single(Diff(Spec(Props("a: {type: object, properties: {b: {type: string}}}")),
            Spec(Props("a: {type: object, required: [b], properties: {b: {type: string}}}"))), RequestFieldBecameRequired).FieldPath);

    [Fact]
    public void RequestFieldBecameRequired_NewRequiredParameter_Fires()
    {
        var change = Single(Diff(Spec(), Spec(parameters: "[{name: limit, in: query, required: true, schema: {type: integer}}]")), RequestFieldBecameRequired);

        Assert.Equal(("param:query:limit", "request: query parameter 'limit' is new and required"), (change.FieldPath, change.Description));
    }

    [Fact]
    public void RequestFieldBecameRequired_ParameterBecameRequired_Fires() =>
        Assert.Equal("param:header:X-Tenant", Single(Diff(Spec(parameters: "[{name: x-tenant, in: header, schema: {type: string}}]"),
            Spec(parameters: "[{name: X-Tenant, in: header, required: true, schema: {type: string}}]")), RequestFieldBecameRequired).FieldPath);

    [Fact]
    public void RequestFieldBecameRequired_BodyBecameRequired_Fires() =>
        Assert.Equal("", Single(Diff(Spec(bodyRequired: false), Spec()), RequestFieldBecameRequired).FieldPath);

    [Fact]
    public void RequestFieldBecameRequired_NewOptionalOrReadOnlyRequired_DoesNotFire()
    {
        var b = Spec(Props("a: {type: string}"));
        var h = Spec(Props("a: {type: string}, b: {type: string}, id: {type: string, readOnly: true}", "[id]"),
            parameters: "[{name: limit, in: query, schema: {type: integer}}]");

        Assert.Empty(Diff(b, h));
    }

    [Theory]
    [InlineData("{type: integer}", "{type: string}")]
    [InlineData("{type: number}", "{type: integer}")]
    [InlineData("{type: string}", "{type: string, format: uuid}")]
    [InlineData("{type: string, nullable: true}", "{type: string}")]
    public void RequestFieldTypeChanged_NarrowerOrOtherType_Fires(string before, string after) =>
        Assert.Equal("f", Single(Diff(Spec(Props($"f: {before}")), Spec(Props($"f: {after}"))), RequestFieldTypeChanged).FieldPath);

    [Theory]
    [InlineData("{type: integer}", "{type: number}")]
    [InlineData("{type: string, format: uuid}", "{type: string}")]
    [InlineData("{type: string}", "{type: string, nullable: true}")]
    [InlineData("{type: string}", "{anyOf: [{type: string}, {type: integer}]}")]
    public void RequestFieldTypeChanged_WiderType_DoesNotFire(string before, string after) =>
        Assert.Empty(Diff(Spec(Props($"f: {before}")), Spec(Props($"f: {after}"))));

    [Fact]
    public void RequestFieldTypeChanged_ParameterType_Fires() =>
        Assert.Equal("param:query:limit", Single(Diff(Spec(parameters: "[{name: limit, in: query, schema: {type: integer}}]"),
            Spec(parameters: "[{name: limit, in: query, schema: {type: boolean}}]")), RequestFieldTypeChanged).FieldPath);

    [Fact]
    public void RequestFieldTypeChanged_OneOfBranchRemoved_Fires()
    {
        var change = Single(Diff(Spec(Props("id: {oneOf: [{type: string}, {type: integer}]}")), Spec(Props("id: {oneOf: [{type: string}]}"))), RequestFieldTypeChanged);

        Assert.Equal("id", change.FieldPath);
    }

    [Fact]
    public void RequestEnumValueRemoved_ValueGone_Fires()
    {
        var change = Single(Diff(Spec(parameters: "[{name: sort, in: query, schema: {type: string, enum: [asc, desc, rand]}}]"),
            Spec(parameters: "[{name: sort, in: query, schema: {type: string, enum: [asc, desc]}}]")), RequestEnumValueRemoved);

        Assert.Equal(("param:query:sort", "request: query parameter 'sort' no longer accepts \"rand\""), (change.FieldPath, change.Description));
    }

    [Fact]
    public void RequestEnumValueRemoved_ValueAdded_DoesNotFire() =>
        Assert.Empty(Diff(Spec(Props("s: {type: string, enum: [a]}")), Spec(Props("s: {type: string, enum: [a, b]}"))));

    [Theory]
    [InlineData("{type: string, maxLength: 10}", "{type: string, maxLength: 5}", "maxLength decreased from 10 to 5")]
    [InlineData("{type: string}", "{type: string, maxLength: 5}", "maxLength 5 was added")]
    [InlineData("{type: string, minLength: 1}", "{type: string, minLength: 2}", "minLength increased from 1 to 2")]
    [InlineData("{type: integer, maximum: 10}", "{type: integer, maximum: 9}", "maximum 10 became 9")]
    [InlineData("{type: integer, minimum: 0}", "{type: integer, minimum: 1}", "minimum 0 became 1")]
    [InlineData("{type: integer, maximum: 10}", "{type: integer, maximum: 10, exclusiveMaximum: true}", "maximum 10 became < 10")]
    [InlineData("{type: array, items: {type: string}, maxItems: 5}", "{type: array, items: {type: string}, maxItems: 4}", "maxItems decreased from 5 to 4")]
    [InlineData("{type: array, items: {type: string}}", "{type: array, items: {type: string}, minItems: 1}", "minItems 1 was added")]
    [InlineData("{type: string}", "{type: string, pattern: '^[a-z]+$'}", "must now match pattern '^[a-z]+$'")]
    [InlineData("{type: string, pattern: '^[a-z]+$'}", "{type: string, pattern: '^[a-f]+$'}", "pattern changed from '^[a-z]+$' to '^[a-f]+$'")]
    [InlineData("{type: string}", "{type: string, enum: [a, b]}", "now accepts only \"a\", \"b\"")]
    public void RequestConstraintNarrowed_TighterBound_Fires(string before, string after, string what)
    {
        var change = Single(Diff(Spec(Props($"f: {before}")), Spec(Props($"f: {after}"))), RequestConstraintNarrowed);

        Assert.Equal($"request body (application/json): field 'f' {what}", change.Description);
    }

    [Theory]
    [InlineData("{type: string, maxLength: 5}", "{type: string, maxLength: 10}")]
    [InlineData("{type: string, maxLength: 5}", "{type: string}")]
    [InlineData("{type: integer, minimum: 1}", "{type: integer, minimum: 0}")]
    [InlineData("{type: integer, maximum: 10, exclusiveMaximum: true}", "{type: integer, maximum: 10}")]
    [InlineData("{type: string, pattern: '^[a-z]+$'}", "{type: string}")]
    [InlineData("{type: string, pattern: '^[a-z]+$'}", "{type: string, pattern: '.*'}")]
    [InlineData("{type: string, minLength: 0}", "{type: string}")]
    public void RequestConstraintNarrowed_LooserBound_DoesNotFire(string before, string after) =>
        Assert.Empty(Diff(Spec(Props($"f: {before}")), Spec(Props($"f: {after}"))));

    [Fact]
    public void RequestConstraintNarrowed_InResponse_DoesNotFire() =>
        Assert.Empty(Diff(Spec(response: Props("f: {type: string}")), Spec(response: Props("f: {type: string, maxLength: 3, pattern: '^a'}"))));

    [Fact]
    public void Diff_AllOf_IsMergedAndPathsGoThroughIt()
    {
        var extra = """
            components:
              schemas:
                Money: {type: object, required: [currency], properties: {currency: {type: string}, value: {type: integer}}}
                Money2: {type: object, properties: {value: {type: integer}}}
            """;
        var b = Spec(response: Props("amount: {allOf: [{$ref: '#/components/schemas/Money'}, {description: x}]}"), extra: extra);
        var h = Spec(response: Props("amount: {allOf: [{$ref: '#/components/schemas/Money2'}, {description: x}]}"), extra: extra);

        Assert.Equal("amount.currency", Single(Diff(b, h), ResponseFieldRemoved).FieldPath);
    }

    [Fact]
    public void Diff_SharedSchema_ReportsTheChangeUnderEveryPath()
    {
        const string Money = "{type: object, properties: {currency: {type: string}}}";
        var extra = $"components:\n  schemas:\n    Money: {Money}\n";
        var b = Spec(response: Props("amount: {$ref: '#/components/schemas/Money'}, fee: {$ref: '#/components/schemas/Money'}"), extra: extra);
        var h = Spec(response: Props("amount: {$ref: '#/components/schemas/Money'}, fee: {$ref: '#/components/schemas/Money'}"),
            extra: extra.Replace("currency: {type: string}", "currency: {type: integer}", StringComparison.Ordinal));

        Assert.Equal(["amount.currency", "fee.currency"], Diff(b, h).Where(c => c.RuleId == ResponseFieldTypeChanged).Select(c => c.FieldPath));
    }

    [Fact]
    public void Diff_RecursiveSchema_TerminatesAndReportsTheChange()
    {
        const string Node = "{type: object, required: [name], properties: {name: {type: string}, children: {type: array, items: {$ref: '#/components/schemas/Node'}}}}";
        var b = Spec(response: "$ref: '#/components/schemas/Node'", extra: $"components:\n  schemas:\n    Node: {Node}\n");
        var h = Spec(response: "$ref: '#/components/schemas/Node'", extra: $"components:\n  schemas:\n    Node: {Node.Replace("required: [name], ", "", StringComparison.Ordinal)}\n");

        var changes = Diff(b, h);

        Assert.Contains(changes, c => c.RuleId == ResponseFieldBecameOptional && c.FieldPath == "name");
        Assert.All(changes, c => Assert.True(c.FieldPath.Length < 200));
    }

    [Fact]
    public void Diff_Order_FollowsTheBaseSpecAndIsStable()
    {
        var b = Spec(Props("a: {type: string}, z: {type: string}"), Props("x: {type: string}, y: {type: string}", "[x, y]"),
            "[{name: q, in: query, schema: {type: string}}]", responses: Created);
        var h = Spec(Props("a: {type: integer}, z: {type: integer}", "[a]"), Props("y: {type: string}"),
            "[{name: q, in: query, required: true, schema: {type: string}}]");

        var first = Diff(b, h);
        var second = Diff(b, h);

        Assert.Equal(first, second);
        Assert.Equal(
            [
                "contract.request-field-became-required param:query:q", "contract.request-field-became-required a",
                "contract.request-field-type-changed a", "contract.request-field-type-changed z", "contract.response-field-removed x",
                "contract.response-field-became-optional y", "contract.response-status-removed ",
            ],
            first.Select(c => $"{c.RuleId} {c.FieldPath}"));
        Assert.All(first, c =>
        {
            Assert.False(string.IsNullOrWhiteSpace(c.Description));
            Assert.NotNull(c.BaseLocation);
            Assert.NotNull(c.HeadLocation);
        });
    }

    [Fact]
    public void Diff_Swagger2AgainstTheSameApiInOpenApi3_ReportsNothing()
    {
        var swagger = """
            swagger: "2.0"
            info: {title: t, version: "1"}
            paths:
              /pets/{id}:
                put:
                  consumes: [application/json]
                  produces: [application/json]
                  parameters:
                    - {name: id, in: path, required: true, type: string}
                    - {name: dryRun, in: query, type: boolean}
                    - {name: pet, in: body, required: true, schema: {$ref: "#/definitions/Pet"}}
                  responses:
                    "200": {description: ok, schema: {$ref: "#/definitions/Pet"}}
            definitions:
              Pet: {type: object, required: [name], properties: {name: {type: string, maxLength: 50}, tag: {type: string, x-nullable: true}}}
            """;
        var openApi = """
            openapi: 3.0.3
            info: {title: t, version: "1"}
            paths:
              /pets/{petId}:
                put:
                  parameters:
                    - {name: petId, in: path, required: true, schema: {type: string}}
                    - {name: dryRun, in: query, schema: {type: boolean}}
                  requestBody: {required: true, content: {application/json: {schema: {$ref: "#/components/schemas/Pet"}}}}
                  responses:
                    "200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/Pet"}}}}
            components:
              schemas:
                Pet: {type: object, required: [name], properties: {name: {type: string, maxLength: 50}, tag: {type: string, nullable: true}}}
            """;

        Assert.Empty(Diff(swagger, openApi));
        Assert.Empty(Diff(openApi, swagger));
    }

    [Fact]
    public void RuleIds_All_AreTheIssueRulesOnce() =>
        Assert.Equal(11, SpecDiff.RuleIds.All.Distinct().Count(id => id.StartsWith("contract.", StringComparison.Ordinal)));
}
