function 0 (defined 0):
  0000  endbr64
  0004  push      rbp
  0005  mov       rbp,rsp
  0008  lea       rax,[rsp-30h]
  0010  cmp       rax,[r15+10h]
  0017  jb        0000000000000458h
  001d  sub       rsp,30h
  0024  sub       qword ptr [r15+20h],1Fh
  002c  js        0000000000000156h
  0032  mov       qword ptr [rbp-8],1
  003d  mov       qword ptr [rbp-10h],2
  0048  mov       qword ptr [rbp-18h],3
  0053  mov       ebx,[rbp+10h]
  005a  mov       qword ptr [rbp-20h],4
  0065  cmp       ebx,4
  006c  jbe       0000000000000091h
  0072  cmp       ebx,7
  0079  ja        00000000000000F9h
  007f  cmp       ebx,5
  0086  jbe       00000000000000B0h
  008c  jmp       00000000000000C8h
  0091  cmp       ebx,2
  0098  ja        00000000000000E1h
  009e  cmp       ebx,1
  00a5  jbe       00000000000000F9h
  00ab  jmp       00000000000000B0h
  00b0  sub       qword ptr [r15+20h],2
  00b5  mov       r11,[rbp-20h]
  00bc  mov       [rbp-18h],r11
  00c3  jmp       0000000000000116h
  00c8  sub       qword ptr [r15+20h],2
  00cd  mov       r11,[rbp-20h]
  00d4  mov       [rbp+10h],r11
  00db  mov       rsp,rbp
  00de  pop       rbp
  00df  ret
  00e0  int3
  00e1  sub       qword ptr [r15+20h],2
  00e6  mov       r11,[rbp-20h]
  00ed  mov       [rbp-10h],r11
  00f4  jmp       0000000000000133h
  00f9  mov       ebx,[rbp-20h]
  0100  mov       esi,[rbp-18h]
  0107  add       esi,ebx
  010a  mov       [rbp-18h],rsi
  0111  sub       qword ptr [r15+20h],2
  0116  mov       ebx,[rbp-18h]
  011d  mov       esi,[rbp-10h]
  0124  add       esi,ebx
  0127  mov       [rbp-10h],rsi
  012e  sub       qword ptr [r15+20h],2
  0133  mov       ebx,[rbp-10h]
  013a  mov       esi,[rbp-8]
  0141  add       esi,ebx
  0144  sub       qword ptr [r15+20h],4
  0149  mov       [rbp+10h],rsi
  0150  mov       rsp,rbp
  0153  pop       rbp
  0154  ret
  0155  int3
  0156  mov       rdi,r15
  0159  mov       rsi,rsp
  015c  mov       rdx,r11
  015f  call      0000000000000164h
  0164  test      eax,eax
  0166  jne       0000000000000403h
  016c  mov       r14,[r15]
  0173  jmp       0000000000000032h
function 1 (defined 1):
  0180  endbr64
  0184  push      rbp
  0185  mov       rbp,rsp
  0188  lea       rax,[rsp-20h]
  0190  cmp       rax,[r15+10h]
  0197  jb        0000000000000458h
  019d  sub       rsp,20h
  01a4  sub       qword ptr [r15+20h],17h
  01ac  js        00000000000002D3h
  01b2  mov       ebx,[rbp+10h]
  01b9  cmp       ebx,1
  01c0  sete      bl
  01c4  movzx     ebx,bl
  01c8  mov       qword ptr [rbp-8],7
  01d3  mov       qword ptr [rbp-10h],1
  01de  test      ebx,ebx
  01e1  je        00000000000001FFh
  01e7  sub       qword ptr [r15+20h],2
  01ec  mov       r11,[rbp-10h]
  01f3  mov       [rbp-8],r11
  01fa  jmp       00000000000002BAh
  01ff  mov       ebx,[rbp+10h]
  0206  cmp       ebx,2
  020d  sete      bl
  0211  movzx     ebx,bl
  0215  mov       qword ptr [rbp-10h],2
  0220  sub       qword ptr [r15+20h],6
  0225  test      ebx,ebx
  0228  jne       00000000000001E7h
  022e  mov       ebx,[rbp+10h]
  0235  cmp       ebx,3
  023c  sete      bl
  0240  movzx     ebx,bl
  0244  mov       qword ptr [rbp-10h],3
  024f  sub       qword ptr [r15+20h],6
  0254  test      ebx,ebx
  0257  je        0000000000000276h
  025d  sub       qword ptr [r15+20h],2
  0262  mov       r11,[rbp-10h]
  0269  mov       [rbp+10h],r11
  0270  mov       rsp,rbp
  0273  pop       rbp
  0274  ret
  0275  int3
  0276  mov       ebx,[rbp+10h]
  027d  cmp       ebx,4
  0284  sete      bl
  0288  movzx     ebx,bl
  028c  mov       qword ptr [rbp-10h],4
  0297  sub       qword ptr [r15+20h],6
  029c  test      ebx,ebx
  029f  jne       000000000000025Dh
  02a5  mov       qword ptr [rbp-10h],9
  02b0  sub       qword ptr [r15+20h],3
  02b5  jmp       00000000000001E7h
  02ba  sub       qword ptr [r15+20h],3
  02bf  mov       r11,[rbp-8]
  02c6  mov       [rbp+10h],r11
  02cd  mov       rsp,rbp
  02d0  pop       rbp
  02d1  ret
  02d2  int3
  02d3  mov       rdi,r15
  02d6  mov       rsi,rsp
  02d9  mov       rdx,r11
  02dc  call      00000000000002E1h
  02e1  test      eax,eax
  02e3  jne       0000000000000403h
  02e9  mov       r14,[r15]
  02f0  jmp       00000000000001B2h
